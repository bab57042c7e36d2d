package ui

import (
	"context"
	"path/filepath"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/mailimport"
)

// showMailReady names the chosen mail and offers to import it.
func (w *importWizard) showMailReady() {
	text := lang.L("Import the mail in {{.File}}? Each message goes to its customer's timeline; messages already in Shopdesk are skipped.",
		map[string]any{"File": filepath.Base(w.path)})
	start := widget.NewButton(lang.L("Import"), w.startMail)
	start.Importance = widget.HighImportance
	w.setStep(stepPreview, wrapped(text), []fyne.CanvasObject{w.closeButton(lang.L("Cancel"))},
		widget.NewButton(lang.L("Back"), w.showFile), start)
}

// startMail imports the mail with a progress bar (by bytes read) and a
// stop button.
func (w *importWizard) startMail() {
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	w.step = stepRun
	w.showWorking(lang.L("Importing…"), cancel)
	bar := w.bar
	opt := mailimport.Options{Progress: func(done, total int64) {
		if total > 0 {
			w.d.do(func() { bar.SetValue(float64(done) / float64(total)) })
		}
	}}
	path := w.path
	go func() {
		rep, err := mailimport.Import(ctx, w.d.store, []string{path}, opt)
		w.d.do(func() {
			w.cancel = nil
			if err == mailimport.ErrNoMail {
				w.showFile()
				w.status.SetText(lang.L("No mbox or .eml file was found there."))
				return
			}
			if err != nil {
				w.showFailed(err)
				return
			}
			w.mailRep = rep
			w.showDone(mailSummary(rep), mailIssueLines(rep))
		})
	}()
}

func mailSummary(rep mailimport.Report) string {
	s := lang.L("{{.Messages}} messages: {{.New}} added, {{.Duplicates}} already here (skipped), {{.Raw}} could not be read and are shown as raw text.",
		map[string]any{"Messages": rep.Messages, "New": rep.Imported, "Duplicates": rep.Duplicates, "Raw": rep.Malformed})
	if rep.Cancelled {
		s = sentences(s, lang.L("Stopped before the end: the messages after these were not imported."))
	}
	return s
}

func mailIssueLines(rep mailimport.Report) []string {
	out := make([]string, 0, len(rep.Issues))
	for _, is := range rep.Issues {
		where := filepath.Base(is.File)
		if is.Line > 0 {
			where += ":" + strconv.Itoa(is.Line)
		}
		what := lang.L("could not be parsed; stored and shown as raw text")
		if is.Code == mailimport.CodeUnreadable {
			what = lang.L("the file could not be read")
		}
		out = append(out, where+": "+what)
	}
	return out
}
