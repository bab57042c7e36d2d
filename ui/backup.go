package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// backupStore is what backups need beyond reading: a consistent copy of
// the database and where it lives. The real store has both.
type backupStore interface {
	BackupTo(dir string, now time.Time) (string, error)
	Path() string
}

// dataSection is the "Data" card in Settings: exports, automatic
// backups, backing up now and restoring.
type dataSection struct {
	d      *Desk
	auto   *widget.Check
	folder *widget.Entry
	keep   *widget.Entry
	status *widget.Label
	save   *widget.Button
}

// dataDir is the folder holding the database, or "" when the store is
// not a file (then backups are not offered).
func (d *Desk) dataDir() string {
	if bs, ok := d.store.(backupStore); ok {
		return filepath.Dir(bs.Path())
	}
	return ""
}

// dataSettings builds the Data card; Settings shows it under its form.
func (d *Desk) dataSettings() fyne.CanvasObject {
	s := &dataSection{d: d, status: widget.NewLabel("")}
	s.status.Wrapping = fyne.TextWrapWord
	exports := container.NewGridWithColumns(3,
		widget.NewButton(lang.L("Export everything…"), func() {
			d.saveFileDialog(fmt.Sprintf("shopdesk-export-%s.zip", d.now().Format("20060102")), []string{".zip"}, func(path string) {
				if !strings.HasSuffix(strings.ToLower(path), ".zip") {
					path += ".zip"
				}
				d.exportAllTo(path, nil)
			})
		}),
		widget.NewButton(lang.L("Export customers…"), func() { d.exportListDialog(false) }),
		widget.NewButton(lang.L("Export orders…"), func() { d.exportListDialog(true) }),
	)
	s.auto = widget.NewCheck(lang.L("Back up automatically every day"), func(bool) { s.status.SetText("") })
	s.folder = widget.NewEntry()
	s.keep = widget.NewEntry()
	s.keep.Validator = validKeep
	choose := widget.NewButton(lang.L("Choose…"), func() {
		dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				s.folder.SetText(u.Path())
			}
		}, d.win)
	})
	s.save = widget.NewButton(lang.L("Save backup settings"), s.submit)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Backup folder"), container.NewBorder(nil, nil, nil, choose, s.folder)),
		&widget.FormItem{Text: lang.L("Backups to keep"), Widget: s.keep, HintText: lang.L("The oldest are removed beyond this number.")},
	)
	now := widget.NewButton(lang.L("Back up now"), s.backUpNow)
	restore := widget.NewButton(lang.L("Restore…"), d.restoreDialog)
	if d.dataDir() == "" {
		now.Disable()
		restore.Disable()
		s.save.Disable()
	}
	body := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Export"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		exports,
		widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("Backups"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.auto, form, container.NewHBox(s.save, now, restore), s.status,
	)
	go s.load()
	return widget.NewCard(lang.L("Data"), lang.L("Take your data anywhere, and never lose it."), body)
}

func validKeep(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 365 {
		return errors.New(lang.L("Enter a number from 1 to 365."))
	}
	return nil
}

func (s *dataSection) load() {
	var set storage.Settings
	err := s.d.store.View(func(tx *storage.Tx) error {
		var err error
		set, err = tx.Settings()
		return err
	})
	s.d.do(func() {
		if err != nil {
			s.status.SetText(lang.L("The settings could not be read. The details are in the log."))
			s.d.log.WithError(err).Error("Load the backup settings")
			return
		}
		s.auto.SetChecked(!set.BackupOff)
		s.folder.SetText(set.BackupFolder(s.d.dataDir()))
		s.keep.SetText(strconv.Itoa(set.BackupsKept()))
		s.status.SetText(s.lastBackupText(set.BackupFolder(s.d.dataDir())))
	})
}

// lastBackupText says when the newest backup in dir was taken.
func (s *dataSection) lastBackupText(dir string) string {
	have, err := storage.ListBackups(dir)
	if err != nil || len(have) == 0 {
		return lang.L("No backup yet.")
	}
	return lang.L("Last backup:") + " " + have[0].Taken.Format("2006-01-02 15:04")
}

func (s *dataSection) submit() {
	if err := validKeep(s.keep.Text); err != nil {
		s.status.SetText(err.Error())
		return
	}
	keep, _ := strconv.Atoi(strings.TrimSpace(s.keep.Text))
	folder := strings.TrimSpace(s.folder.Text)
	off := !s.auto.Checked
	def := filepath.Join(s.d.dataDir(), "backups")
	go func() {
		err := s.d.store.Update(func(tx *storage.Tx) error {
			set, err := tx.Settings()
			if err != nil {
				return err
			}
			set.BackupOff, set.BackupKeep = off, keep
			set.BackupDir = folder
			if folder == def {
				set.BackupDir = "" // follow the data folder if it moves
			}
			return tx.SaveSettings(set)
		})
		s.d.do(func() {
			if err != nil {
				s.d.showProblem(lang.L("The backup settings could not be saved."), err)
				return
			}
			s.status.SetText(lang.L("Saved."))
		})
	}()
}

// backUpNow writes a backup into the backup folder at once.
func (s *dataSection) backUpNow() {
	bs, ok := s.d.store.(backupStore)
	if !ok {
		return
	}
	folder := strings.TrimSpace(s.folder.Text)
	if folder == "" {
		folder = filepath.Join(s.d.dataDir(), "backups")
	}
	s.status.SetText(lang.L("Backing up…"))
	go func() {
		p, err := bs.BackupTo(folder, time.Now())
		s.d.do(func() {
			if err != nil {
				s.status.SetText("")
				s.d.showProblem(lang.L("The backup could not be written."), err)
				return
			}
			s.status.SetText(lang.L("Backed up to:") + " " + p)
		})
	}()
}

// restoreDialog lists the backups in the backup folder (newest first),
// or lets the seller pick another file; the chosen one is checked,
// confirmed and staged for the next start.
func (d *Desk) restoreDialog() {
	dataDir := d.dataDir()
	if dataDir == "" {
		return
	}
	go func() {
		var set storage.Settings
		err := d.store.View(func(tx *storage.Tx) error {
			var err error
			set, err = tx.Settings()
			return err
		})
		var have []storage.BackupFile
		if err == nil {
			have, err = storage.ListBackups(set.BackupFolder(dataDir))
		}
		d.do(func() {
			if err != nil {
				d.showProblem(lang.L("The backups could not be listed."), err)
				return
			}
			d.showRestoreList(have)
		})
	}()
}

func (d *Desk) showRestoreList(have []storage.BackupFile) {
	var dlg *dialog.CustomDialog
	list := widget.NewList(func() int { return len(have) },
		func() fyne.CanvasObject { return widget.NewLabel("2006-01-02 15:04  (000.0 MB)") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			b := have[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s  (%.1f MB)", b.Taken.Format("2006-01-02 15:04"), float64(b.Size)/1e6))
		})
	list.OnSelected = func(i widget.ListItemID) {
		dlg.Hide()
		d.confirmRestore(have[i].Path)
	}
	other := widget.NewButton(lang.L("Choose another file…"), func() {
		dlg.Hide()
		dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			p := r.URI().Path()
			r.Close()
			d.confirmRestore(p)
		}, d.win)
	})
	var content fyne.CanvasObject = list
	if len(have) == 0 {
		content = widget.NewLabel(lang.L("No backup in the backup folder."))
	}
	dlg = dialog.NewCustom(lang.L("Restore from a backup"), lang.L("Cancel"),
		container.NewBorder(nil, other, nil, nil, content), d.win)
	dlg.Resize(fyne.NewSize(420, 360))
	dlg.Show()
}

// confirmRestore checks the backup, then asks before staging it.
func (d *Desk) confirmRestore(path string) {
	go func() {
		err := storage.ValidateBackup(path)
		d.do(func() {
			if err != nil {
				d.showProblem(lang.L("This file cannot be restored: it is not an intact Shopdesk backup."), err)
				return
			}
			msg := fmt.Sprintf(lang.L("Replace the desk's data with the backup %s? Shopdesk restarts to do it. The current data is kept beside it as shopdesk.db.before-restore."), filepath.Base(path))
			label := widget.NewLabel(msg)
			label.Wrapping = fyne.TextWrapWord
			confirm := dialog.NewCustomConfirm(lang.L("Restore from a backup"), lang.L("Restore"), lang.L("Cancel"),
				label, func(ok bool) {
					if ok {
						d.stageRestore(path, nil)
					}
				}, d.win)
			confirm.Resize(fyne.NewSize(480, 230))
			confirm.Show()
		})
	}()
}

// stageRestore copies the backup beside the database for the next start
// and asks the seller to restart.
func (d *Desk) stageRestore(path string, done func(error)) {
	dataDir := d.dataDir()
	go func() {
		err := storage.StageRestore(dataDir, path)
		d.do(func() {
			if err != nil {
				d.showProblem(lang.L("The backup could not be prepared for restore. Your data is unchanged."), err)
			} else {
				dialog.ShowCustomConfirm(lang.L("Restart to finish"),
					lang.L("Quit now"), lang.L("Later"),
					widget.NewLabel(lang.L("The backup is ready. It replaces the data when Shopdesk starts next.")),
					func(quit bool) {
						if quit {
							d.app.Quit()
						}
					}, d.win)
			}
			if done != nil {
				done(err)
			}
		})
	}()
}
