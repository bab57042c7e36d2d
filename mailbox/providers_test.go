package mailbox

import (
	"net"
	"testing"

	"github.com/shopdesk/shopdesk/storage"
)

func TestProviderFor(t *testing.T) {
	tests := []struct {
		email, id string
		known     bool
		password  PasswordKind
	}{
		{"shop@qq.com", "qq", true, PasswordAuthCode},
		{"Shop@Foxmail.com", "qq", true, PasswordAuthCode},
		{"kefu@163.com", "163", true, PasswordAuthCode},
		{"kefu@126.com", "126", true, PasswordAuthCode},
		{"kefu@yeah.net", "yeah", true, PasswordAuthCode},
		{"kefu@sina.com", "sina", true, PasswordAuthCode},
		{"kefu@sohu.com", "sohu", true, PasswordAuthCode},
		{"kefu@aliyun.com", "aliyun", true, PasswordNormal},
		{"seller@gmail.com", "gmail", true, PasswordApp},
		{"seller@yahoo.com", "yahoo", true, PasswordApp},
		{"seller@icloud.com", "icloud", true, PasswordApp},
		{"seller@hotmail.com", "outlook", true, PasswordOAuth},
		{"seller@zoho.com", "zoho", true, PasswordApp},
		{"service@myshop.com", CustomProvider, false, PasswordNormal},
		{"not an address", CustomProvider, false, PasswordNormal},
	}
	for _, tt := range tests {
		p, ok := ProviderFor(tt.email)
		if p.ID != tt.id || ok != tt.known || p.Password != tt.password {
			t.Errorf("ProviderFor(%q) = %s %v %s, want %s %v %s", tt.email, p.ID, ok, p.Password, tt.id, tt.known, tt.password)
		}
	}
}

// Every preset is usable as it stands: host:port, implicit TLS for IMAP,
// SMTP either implicit TLS on 465 or STARTTLS on 587, never plain text.
func TestProvidersAreComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range Providers() {
		if seen[p.ID] || p.Name == "" {
			t.Errorf("provider %q: duplicate or unnamed", p.ID)
		}
		seen[p.ID] = true
		if p.ID == CustomProvider {
			continue
		}
		var a storage.Account
		p.Apply(&a)
		if _, port, err := net.SplitHostPort(a.IMAP); err != nil || port != "993" || a.Security != storage.SecurityTLS {
			t.Errorf("%s: IMAP %q %s", p.ID, a.IMAP, a.Security)
		}
		_, port, err := net.SplitHostPort(a.SMTP)
		switch {
		case err != nil:
			t.Errorf("%s: SMTP %q", p.ID, a.SMTP)
		case a.SendSecurity() == storage.SecurityTLS && port != "465",
			a.SendSecurity() == storage.SecurityStartTLS && port != "587",
			a.SendSecurity() == storage.SecurityNone:
			t.Errorf("%s: SMTP %q with %s", p.ID, a.SMTP, a.SendSecurity())
		}
		if got := ProviderOf(a); got.ID != p.ID {
			t.Errorf("ProviderOf(%s's servers) = %s", p.ID, got.ID)
		}
	}
	for _, id := range []string{"gmail", "outlook", "yahoo", "icloud", "qq", "exmail", "163", "126", "yeah", "aliyun", "sina", "sohu", "zoho", CustomProvider} {
		if !seen[id] {
			t.Errorf("no %s preset", id)
		}
	}
}
