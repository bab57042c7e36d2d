package ui

import (
	"errors"

	"fyne.io/fyne/v2/lang"

	"github.com/shopdesk/shopdesk/mailbox/canned"
)

// The import report in the seller's language: mailbox/canned says why a
// row was refused with a reason code and its details (its own Msg is
// English, for the CLI); these say it in words.

// rowErrorText is "Line 4: No text." in the seller's language.
func rowErrorText(e canned.RowError) string {
	var where string
	switch {
	case e.Line == 0:
		where = lang.L("The file")
	case e.Record:
		where = lang.L("Record {{.N}}", map[string]any{"N": e.Line})
	default:
		where = lang.L("Line {{.N}}", map[string]any{"N": e.Line})
	}
	return lang.L("{{.Where}}: {{.Reason}}", map[string]any{"Where": where, "Reason": rowReason(e)})
}

func rowReason(e canned.RowError) string {
	args := map[string]any{"N": e.N, "Max": e.Max, "Value": e.Value, "Field": fieldWords(e.Field)}
	switch e.Reason {
	case canned.ReasonUnclosedQuote:
		return lang.L("A quoted field is not closed: its closing \" is missing.")
	case canned.ReasonBadQuote:
		return lang.L("A stray quote mark in column {{.N}}. Inside a quoted field, write a quote mark twice (\"\").", args)
	case canned.ReasonCSV:
		return lang.L("The row cannot be read ({{.Value}}).", args)
	case canned.ReasonColumns:
		return lang.L("{{.N}} columns; at least {{.Max}} are needed: category, title, shortcut, language, text.", args)
	case canned.ReasonPlainColumns:
		return lang.L("{{.N}} columns; a shortcut,text file has 2.", args)
	case canned.ReasonRecord:
		return lang.L("Not a canned reply: a record needs a title, a language and variants.")
	case canned.ReasonFieldType:
		return lang.L("The field “{{.Field}}” has the wrong type of value.", map[string]any{"Field": e.Field})
	case canned.ReasonNoText:
		return lang.L("The reply has no text.")
	case canned.ReasonNoTitle:
		return lang.L("The reply has neither a title nor a shortcut.")
	case canned.ReasonShortcutSpace:
		return lang.L("The shortcut “{{.Value}}” has a space; a shortcut is one word.", args)
	case canned.ReasonTooLong:
		return lang.L("The {{.Field}} is too long: {{.N}} characters, at most {{.Max}}.", args)
	case canned.ReasonTooManyVariants:
		return lang.L("{{.N}} variants; at most {{.Max}}.", args)
	case canned.ReasonEmptyVariant:
		return lang.L("Variant {{.N}} has no text.", args)
	case canned.ReasonAttachment:
		return lang.L("The attached file {{.Value}} is damaged: its contents do not match the export.", args)
	case canned.ReasonAttachmentGone:
		return lang.L("The attached file {{.Value}} is not in the file nor in your library.", args)
	case canned.ReasonAttachmentsLarge:
		return lang.L("The attachments add up to {{.Size}}; at most {{.Max}} can be sent with one reply.",
			map[string]any{"Size": fileSizeText(int64(e.N)), "Max": fileSizeText(int64(e.Max))})
	case canned.ReasonStore:
		return lang.L("The reply could not be saved ({{.Value}}).", args)
	}
	return e.Msg
}

// fieldWords names a reply's field in a sentence.
func fieldWords(field string) string {
	switch field {
	case "title":
		return lang.L("title")
	case "shortcut":
		return lang.L("shortcut")
	case "category":
		return lang.L("category")
	case "text":
		return lang.L("text")
	}
	return field
}

// importFileError says why a whole file could not be imported.
func importFileError(err error) string {
	var fe *canned.FileError
	if !errors.As(err, &fe) {
		return err.Error()
	}
	switch fe.Reason {
	case canned.FileEncoding:
		return lang.L("the file is neither UTF-8 nor GBK text. In Excel, save it as “CSV UTF-8” and import it again.")
	case canned.FileNotJSON:
		return lang.L("the file is not a canned-reply export (a JSON list of replies).")
	case canned.FileNotCSV:
		return lang.L("line {{.N}} is not a canned-reply CSV header. Use category,title,shortcut,language,variant1… or two columns shortcut,text.",
			map[string]any{"N": fe.Line})
	case canned.FileKindName:
		return lang.L("Name the file .json or .csv.")
	}
	return err.Error()
}
