package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	fstorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
	dataexport "github.com/shopdesk/shopdesk/storage/archive"
)

// archiveLabels are the headings of a customer archive's index.html in
// the seller's language (dataexport.LabelKeys; TestArchiveLabels checks the
// two lists agree).
func archiveLabels() map[string]string {
	return map[string]string{
		"Customer archive": lang.L("Customer archive"), "Exported": lang.L("Exported"), "Profile": lang.L("Profile"),
		"Name": lang.L("Name"), "Emails": lang.L("Email addresses"), "Phones": lang.L("Phones"), "Chat accounts": lang.L("Chat accounts"),
		"Address": lang.L("Address"), "Language": lang.L("Language"), "Birthday": lang.L("Birthday"), "Segment": lang.L("Segment"),
		"Tags": lang.L("Tags"), "Notes": lang.L("Notes"), "Customer since": lang.L("Customer since"), "Orders": lang.L("Orders"),
		"Order": lang.L("Order"), "Platform": lang.L("Platform"), "Status": lang.L("Status"), "Total": lang.L("Total"),
		"Tracking": lang.L("Tracking"), "Placed": lang.L("Placed"), "Items": lang.L("Items"), "After-sales": lang.L("After-sales cases"),
		"Timeline": lang.L("Timeline"), "Email received": lang.L("Email received"), "Email sent": lang.L("Email sent"),
		"Phone call": lang.L("Phone call"), "Internal note": lang.L("Internal note"), "Order status": lang.L("Order status"),
		"Follow-up": lang.L("Follow-up"), "Original message": lang.L("Original message"), "Attachments": lang.L("Attachments"),
		"From": lang.L("From"), "To": lang.L("To"), "Due": lang.L("Due"), "Done": lang.L("Done"), "Problems": lang.L("Problems"),
		"None": lang.L("None"),
		"The original of this message is not stored.":                                      lang.L("The original of this message is not stored."),
		"Every file in this archive is listed with its SHA-256 checksum in manifest.json.": lang.L("Every file in this archive is listed with its SHA-256 checksum in manifest.json."),
	}
}

func (d *Desk) archiveOptions(progress dataexport.Progress) dataexport.Options {
	return dataexport.Options{Attachments: mailbox.ExportAttachment, Labels: archiveLabels(), Now: d.now, Progress: progress}
}

// saveFileDialog asks where to save a file and hands over its path. The
// dialog creates the file; the export then replaces it atomically.
func (d *Desk) saveFileDialog(name string, exts []string, then func(path string)) {
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			d.showProblem(lang.L("The file could not be created."), err)
			return
		}
		if w == nil {
			return // cancelled
		}
		path := w.URI().Path()
		w.Close()
		then(path)
	}, d.win)
	dlg.SetFileName(name)
	if len(exts) > 0 {
		dlg.SetFilter(fstorage.NewExtensionFileFilter(exts))
	}
	dlg.Resize(fyne.NewSize(760, 520))
	dlg.Show()
}

// showProblem shows a message in the seller's language with the
// technical detail under it, and logs the detail.
func (d *Desk) showProblem(msg string, err error) {
	d.log.WithError(err).Warn(msg)
	dialog.ShowError(fmt.Errorf("%s\n\n%v", msg, err), d.win)
}

// exportJob is a running export: a progress bar with Cancel.
type exportJob struct {
	dlg    *dialog.CustomDialog
	bar    *widget.ProgressBar
	cancel context.CancelFunc
	shown  atomic.Int64 // last per-mille shown, so the bar redraws at most 1000 times
}

// runExport runs work off the main goroutine under a progress dialog
// with Cancel, then reports the outcome. done, when set, hears the error
// on the main goroutine after the outcome is shown.
func (d *Desk) runExport(title, path string, work func(ctx context.Context, progress dataexport.Progress) error, done func(error)) {
	ctx, cancel := context.WithCancel(context.Background())
	j := &exportJob{bar: widget.NewProgressBar(), cancel: cancel}
	j.shown.Store(-1)
	label := widget.NewLabel(filepath.Base(path))
	label.Truncation = fyne.TextTruncateEllipsis
	cancelBtn := widget.NewButton(lang.L("Cancel"), cancel)
	j.dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(label, j.bar, container.NewCenter(cancelBtn)), d.win)
	j.dlg.Resize(fyne.NewSize(420, 160))
	j.dlg.Show()
	progress := func(n, total int) {
		if total <= 0 {
			return
		}
		pm := int64(n) * 1000 / int64(total)
		if j.shown.Swap(pm) == pm {
			return
		}
		d.do(func() { j.bar.SetValue(float64(pm) / 1000) })
	}
	go func() {
		err := work(ctx, progress)
		cancel()
		if fi, serr := os.Stat(path); err != nil && serr == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
			// The save dialog created the file; a failed export leaves nothing.
			os.Remove(path)
		}
		d.do(func() {
			j.dlg.Hide()
			switch {
			case errors.Is(err, context.Canceled):
				dialog.ShowInformation(title, lang.L("The export was cancelled. Nothing was saved."), d.win)
			case err != nil:
				d.showProblem(lang.L("The export could not be written."), err)
			default:
				dialog.ShowInformation(title, lang.L("Saved to:")+"\n"+path, d.win)
			}
			if done != nil {
				done(err)
			}
		})
	}()
}

// exportCustomerDialog asks where to save one customer's archive (for
// their data request, or to keep) and writes it.
func (d *Desk) exportCustomerDialog(customerID uint64) {
	name := fmt.Sprintf("customer-%d-%s.zip", customerID, d.now().Format("20060102"))
	d.saveFileDialog(name, []string{".zip"}, func(path string) { d.exportCustomerTo(customerID, path, nil) })
}

// exportCustomerTo writes the customer's archive to path.
func (d *Desk) exportCustomerTo(customerID uint64, path string, done func(error)) {
	d.runExport(lang.L("Export customer archive"), path, func(ctx context.Context, p dataexport.Progress) error {
		return dataexport.ExportCustomer(ctx, d.store, customerID, path, d.archiveOptions(p))
	}, done)
}

// exportListTo writes all customers or all orders in a format to path.
func (d *Desk) exportListTo(orders bool, format dataexport.Format, path string, done func(error)) {
	list, title := dataexport.ExportCustomers, lang.L("Export customers")
	if orders {
		list, title = dataexport.ExportOrders, lang.L("Export orders")
	}
	d.runExport(title, path, func(ctx context.Context, p dataexport.Progress) error {
		return storage.WriteFileAtomic(path, func(w io.Writer) error { return list(ctx, d.store, format, w, p) })
	}, done)
}

// exportAllTo writes everything as one zip of per-customer folders.
func (d *Desk) exportAllTo(path string, done func(error)) {
	d.runExport(lang.L("Export everything"), path, func(ctx context.Context, p dataexport.Progress) error {
		return dataexport.ExportAll(ctx, d.store, path, d.archiveOptions(p))
	}, done)
}

// forgetCustomerDialog asks the seller to confirm forgetting a customer
// on their request, offers to export their archive first and, only when
// ticked, to move their mail on the server to Trash.
func (d *Desk) forgetCustomerDialog(customerID uint64) {
	d.forgetCustomerDialogThen(customerID, nil)
}

func (d *Desk) forgetCustomerDialogThen(customerID uint64, done func(error)) {
	go func() {
		var c storage.Customer
		var convs, orders, mails int
		err := d.store.View(func(tx *storage.Tx) error {
			var err error
			if c, err = tx.Customer(customerID); err != nil {
				return err
			}
			cs, err := tx.ConversationsOf(customerID)
			if err != nil {
				return err
			}
			convs = len(cs)
			locs, err := tx.CustomerMailLocations(customerID)
			mails = len(locs)
			if err != nil {
				return err
			}
			os, err := tx.OrdersOf(customerID)
			orders = len(os)
			return err
		})
		d.do(func() {
			if err != nil {
				d.showProblem(lang.L("The customer could not be read."), err)
				return
			}
			d.showForget(c, convs, orders, mails, done)
		})
	}()
}

func (d *Desk) showForget(c storage.Customer, convs, orders, mails int, done func(error)) {
	who := c.Name
	if len(c.Emails) > 0 {
		who += " <" + c.Emails[0] + ">"
	}
	head := widget.NewLabelWithStyle(who, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	what := widget.NewLabel(fmt.Sprintf(lang.L("This removes the customer and everything linked to them: %d conversations with their mail, %d orders, calls, notes, follow-ups and drafts. It cannot be undone. Only anonymous counts and an audit line are kept."), convs, orders))
	what.Wrapping = fyne.TextWrapWord
	trash := widget.NewCheck(fmt.Sprintf(lang.L("Also move their %d messages on the mail server to Trash"), mails), nil)
	if mails == 0 || d.passwords == nil {
		trash.Disable()
	}
	var dlg *dialog.CustomDialog
	exportBtn := widget.NewButton(lang.L("Export their archive first…"), func() { d.exportCustomerDialog(c.ID) })
	cancelBtn := widget.NewButton(lang.L("Cancel"), func() { dlg.Hide() })
	forgetBtn := widget.NewButton(lang.L("Forget for good"), nil)
	forgetBtn.Importance = widget.DangerImportance
	forgetBtn.OnTapped = func() {
		dlg.Hide()
		d.forget(c.ID, trash.Checked, done)
	}
	body := container.NewVBox(head, what, trash, exportBtn)
	dlg = dialog.NewCustomWithoutButtons(lang.L("Forget this customer?"), container.New(maxWidth(460), body), d.win)
	dlg.SetButtons([]fyne.CanvasObject{cancelBtn, forgetBtn})
	dlg.Show()
}

// forget runs the erasure off the main goroutine and reports counts.
func (d *Desk) forget(customerID uint64, trash bool, done func(error)) {
	var opt *mailbox.TrashOptions
	if trash {
		opt = &mailbox.TrashOptions{Password: d.passwords}
	}
	wait := dialog.NewCustomWithoutButtons(lang.L("Forgetting the customer…"), widget.NewProgressBarInfinite(), d.win)
	wait.Show()
	go func() {
		f, moved, err := mailbox.Forget(d.store, customerID, opt)
		d.do(func() {
			wait.Hide()
			if err != nil {
				d.showProblem(lang.L("The customer was not forgotten. Nothing was removed."), err)
			} else {
				d.popAll()
				msg := fmt.Sprintf(lang.L("Removed %d conversations, %d messages, %d orders, %d calls, %d notes and %d follow-ups."),
					f.Conversations, f.Messages, f.Orders, f.Calls, f.Notes, f.FollowUps)
				if trash {
					msg += "\n" + fmt.Sprintf(lang.L("%d messages were moved to Trash on the mail server."), moved.Moved)
				}
				dialog.ShowInformation(lang.L("Customer forgotten"), msg, d.win)
			}
			if done != nil {
				done(err)
			}
		})
	}()
}

// formatChoices are the list formats offered, in order.
func formatChoices(orders bool) []dataexport.Format {
	if orders {
		return []dataexport.Format{dataexport.CSV, dataexport.XLSX}
	}
	return []dataexport.Format{dataexport.CSV, dataexport.XLSX, dataexport.VCard}
}

func formatLabel(f dataexport.Format) string {
	switch f {
	case dataexport.XLSX:
		return lang.L("Excel (XLSX)")
	case dataexport.VCard:
		return lang.L("Contacts (vCard)")
	}
	return lang.L("CSV (Excel, WPS)")
}

// exportListDialog asks for a format, then for the file.
func (d *Desk) exportListDialog(orders bool) {
	formats := formatChoices(orders)
	labels := make([]string, len(formats))
	for i, f := range formats {
		labels[i] = formatLabel(f)
	}
	choice := widget.NewRadioGroup(labels, nil)
	choice.SetSelected(labels[0])
	title := lang.L("Export customers")
	base := "customers"
	if orders {
		title, base = lang.L("Export orders"), "orders"
	}
	dialog.ShowCustomConfirm(title, lang.L("Next…"), lang.L("Cancel"), choice, func(ok bool) {
		if !ok {
			return
		}
		f := formats[max(0, indexOf(labels, choice.Selected))]
		name := fmt.Sprintf("%s-%s.%s", base, d.now().Format("20060102"), f)
		d.saveFileDialog(name, []string{"." + string(f)}, func(path string) {
			if !strings.HasSuffix(strings.ToLower(path), "."+string(f)) {
				path += "." + string(f)
			}
			d.exportListTo(orders, f, path, nil)
		})
	}, d.win)
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}
