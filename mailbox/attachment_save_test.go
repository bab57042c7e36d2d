package mailbox

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// craftedMail carries one attachment whose name the sender chose.
func craftedMail(filenameParam string) []byte {
	return []byte(strings.ReplaceAll(fmt.Sprintf(`From: buyer@example.test
Subject: photos
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

see attached
--b
Content-Type: application/octet-stream
Content-Disposition: attachment; %s
Content-Transfer-Encoding: base64

cGF5bG9hZA==
--b--
`, filenameParam), "\n", "\r\n"))
}

// Crafted attachment names save inside the chosen folder, under a safe name.
func TestSaveCraftedAttachments(t *testing.T) {
	tests := []struct {
		name, param, want string
	}{
		{"traversal", `filename="../../../.bashrc"`, "bashrc"},
		{"absolute path", `filename="/etc/cron.d/job"`, "job"},
		{"windows traversal", `filename="..\\..\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\run.bat"`, "run.bat"},
		{"encoded traversal", `filename*=UTF-8''..%2F..%2Fevil.sh`, "evil.sh"},
		{"bidi override", "filename*=UTF-8''invoice%E2%80%AEfdp.exe", "invoicefdp.exe"},
		{"bidi isolates", "filename*=UTF-8''%E2%81%A6report%E2%81%A9.pdf", "report.pdf"},
		{"reserved name", `filename="CON.txt"`, "_CON.txt"},
		{"reserved with spaces and dots", `filename="aux .pdf. . "`, "_aux .pdf"},
		{"COM port", `filename="com9.docx"`, "_com9.docx"},
		{"LPT port", `filename="LPT1"`, "_LPT1"},
		{"control characters", "filename*=UTF-8''a%0D%0Ab%00c.txt", "a bc.txt"},
		{"only dots", `filename=".."`, "attachment-1"},
		{"Chinese", "filename*=UTF-8''%E9%80%80%E8%B4%A7%E5%8D%95.pdf", "退货单.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "saved")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			name, _, data, err := AttachmentData(craftedMail(tt.param), 0)
			if err != nil {
				t.Fatal(err)
			}
			got, err := SaveAttachment(dir, name, data)
			if err != nil {
				t.Fatalf("SaveAttachment(%q): %v", name, err)
			}
			if got != tt.want {
				t.Errorf("%q saved as %q, want %q", name, got, tt.want)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 || entries[0].Name() != got {
				t.Fatalf("folder holds %v", entries)
			}
			b, err := os.ReadFile(filepath.Join(dir, got))
			if err != nil || string(b) != "payload" {
				t.Errorf("file holds %q, %v", b, err)
			}
			if others, _ := os.ReadDir(parent); len(others) != 1 {
				t.Errorf("something was written beside the folder: %v", others)
			}
			if fi, err := os.Stat(filepath.Join(dir, got)); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", fi.Mode().Perm())
			}
		})
	}
}

// Nothing is overwritten, and a symbolic link in the folder cannot lead
// the file out of it.
func TestSaveAttachmentStaysInFolder(t *testing.T) {
	dir := t.TempDir()
	for i, want := range []string{"photo.jpg", "photo (2).jpg", "photo (3).jpg"} {
		got, err := SaveAttachment(dir, "photo.jpg", []byte{byte(i)})
		if err != nil || got != want {
			t.Fatalf("save %d: %q, %v; want %q", i, got, err, want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "photo.jpg")); len(b) != 1 || b[0] != 0 {
		t.Errorf("the first photo was overwritten: %v", b)
	}
	if runtime.GOOS == "windows" {
		return // symbolic links need privileges there
	}
	outside := t.TempDir()
	if err := os.Symlink(filepath.Join(outside, "target.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	got, err := SaveAttachment(dir, "link.txt", []byte("x"))
	if err != nil || got != "link (2).txt" {
		t.Errorf("save over a symbolic link: %q, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(outside, "target.txt")); err == nil {
		t.Error("the file was written through the link, outside the folder")
	}
}
