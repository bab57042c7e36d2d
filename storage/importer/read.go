package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Encodings a text file can be read in, as reported to the seller.
const (
	EncUTF8    = "UTF-8"
	EncUTF8BOM = "UTF-8 BOM"
	EncGB18030 = "GBK/GB18030"
	EncUTF16LE = "UTF-16LE"
	EncUTF16BE = "UTF-16BE"
	EncXLSX    = "XLSX"
)

// Row is one data row of a table and the line (CSV) or row number (XLSX)
// it starts on, counting the header as line 1.
type Row struct {
	Line  int
	Cells []string
}

// Table is a file's rows as text, however it was encoded.
type Table struct {
	Header    []string
	Rows      []Row
	Encoding  string
	Delimiter rune // 0 for XLSX
	// Bad lists the records that could not be read at all (a broken
	// quote); the rows around them are still in Rows.
	Bad []Issue
}

// ReadFile reads a CSV/TSV/TXT or XLSX file into a table.
func ReadFile(path string) (*Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	if isXLSX(path, data) {
		return ReadXLSX(bytes.NewReader(data))
	}
	return ReadCSV(data)
}

// isXLSX tells an Excel workbook (a zip) from text by extension and magic.
func isXLSX(path string, data []byte) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".xlsx" || ext == ".xlsm" || bytes.HasPrefix(data, []byte("PK\x03\x04"))
}

// ErrEmpty is returned for a file with no header row.
var ErrEmpty = errors.New("the file has no header row")

// ReadCSV reads delimited text, detecting its encoding and delimiter.
func ReadCSV(data []byte) (*Table, error) {
	text, enc, err := Decode(data)
	if err != nil {
		return nil, err
	}
	t := &Table{Encoding: enc, Delimiter: sniffDelimiter(text)}
	recs, bad := readRecords(text, t.Delimiter)
	t.Bad = bad
	for len(recs) > 0 && blank(recs[0].Cells) {
		recs = recs[1:]
	}
	if len(recs) == 0 {
		return nil, ErrEmpty
	}
	t.Header = trimCells(recs[0].Cells)
	for _, r := range recs[1:] {
		if blank(r.Cells) {
			continue
		}
		t.Rows = append(t.Rows, r)
	}
	return t, nil
}

// Decode turns a text file into a string: a BOM names the encoding
// (UTF-8, UTF-16); text that is valid UTF-8 is UTF-8; anything else is
// read as GB18030, a superset of GBK, which Excel in China saves.
func Decode(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return string(data[3:]), EncUTF8BOM, nil
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		enc, name := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), EncUTF16LE
		if data[0] == 0xfe {
			enc, name = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), EncUTF16BE
		}
		out, err := enc.NewDecoder().Bytes(data)
		if err != nil {
			return "", "", fmt.Errorf("read the file as %s: %w", name, err)
		}
		return string(out), name, nil
	case utf8.Valid(data):
		return string(data), EncUTF8, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", fmt.Errorf("the file is neither UTF-8 nor GBK/GB18030: %w", err)
	}
	return string(out), EncGB18030, nil
}

// sniffDelimiter picks comma, tab or semicolon: whichever the header line
// (outside quotes) has most of.
func sniffDelimiter(text string) rune {
	line, _, _ := strings.Cut(text, "\n")
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == '\t' || r == ';'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{'\t', ';'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// readRecords reads every record it can. A record the CSV reader refuses
// (a stray or unclosed quote) is reported by its line and reading
// restarts on the next line, so one bad row never hides the rest.
func readRecords(text string, delim rune) ([]Row, []Issue) {
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		lines[i] = unformula(l, delim)
	}
	var rows []Row
	var bad []Issue
	skip := 0 // lines before the current reader's input
	for skip < len(lines) {
		r := csv.NewReader(strings.NewReader(strings.Join(lines[skip:], "")))
		r.Comma = delim
		r.FieldsPerRecord = -1
		r.LazyQuotes = false
		restarted := false
		for {
			cells, err := r.Read()
			if err == io.EOF {
				return rows, bad
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				start := skip + pe.StartLine
				bad = append(bad, Issue{Line: start, Code: ReasonMalformed, Detail: pe.Err.Error(), Skipped: true})
				skip = start // the next line after the bad one (1-based start)
				restarted = true
				break
			}
			if err != nil {
				bad = append(bad, Issue{Line: skip + 1, Code: ReasonMalformed, Detail: err.Error(), Skipped: true})
				return rows, bad
			}
			line, _ := r.FieldPos(0)
			rows = append(rows, Row{Line: skip + line, Cells: cells})
		}
		if !restarted {
			break
		}
	}
	return rows, bad
}

// unformula turns Excel's text-keeping ="3712840011223344556" cells,
// which Taobao writes for long numbers, into plain quoted fields: the CSV
// reader would refuse their quotes as stray.
func unformula(line string, delim rune) string {
	if !strings.Contains(line, `="`) {
		return line
	}
	var b strings.Builder
	atStart := true
	for i := 0; i < len(line); {
		if atStart && strings.HasPrefix(line[i:], `="`) {
			end := strings.IndexByte(line[i+2:], '"')
			if end >= 0 {
				after := line[i+2+end+1:]
				if after == "" || strings.HasPrefix(after, string(delim)) || after[0] == '\r' || after[0] == '\n' {
					b.WriteString(line[i+1 : i+2+end+1])
					i += 2 + end + 1
					atStart = false
					continue
				}
			}
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		b.WriteString(line[i : i+size])
		atStart = r == delim
		i += size
	}
	return b.String()
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func trimCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.TrimSpace(strings.TrimPrefix(c, "\ufeff"))
	}
	return out
}
