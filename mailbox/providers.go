package mailbox

import (
	"strings"

	"github.com/shopdesk/shopdesk/storage"
)

// PasswordKind says what a provider wants in the password field.
type PasswordKind string

const (
	// PasswordNormal: the mailbox's own password.
	PasswordNormal PasswordKind = "normal"
	// PasswordApp: an app password made in the provider's account
	// settings (Gmail, Yahoo, iCloud, Zoho with two-step sign-in).
	PasswordApp PasswordKind = "app"
	// PasswordAuthCode: an authorization code (授权码) made after turning
	// on IMAP/SMTP in the web mailbox's settings (QQ, NetEase, Sina, Sohu).
	PasswordAuthCode PasswordKind = "authcode"
	// PasswordClient: a client-only password (客户端专用密码) when the
	// administrator turned on secure login (Tencent Exmail, Aliyun).
	PasswordClient PasswordKind = "client"
	// PasswordOAuth: the provider mostly refuses passwords over IMAP and
	// SMTP and wants its own sign-in (Microsoft), which Shopdesk lacks.
	PasswordOAuth PasswordKind = "oauth"
)

// Provider is a mail service's settings, to fill an account from its
// address. Ports and security are what each provider documents.
type Provider struct {
	ID      string   // stable key
	Name    string   // shown; the UI translates it
	Domains []string // addresses at these domains use the provider
	IMAP    string   // host:port
	SMTP    string   // host:port
	// Security protects IMAP (and SMTP unless SMTPSecurity is set).
	Security     storage.Security
	SMTPSecurity storage.Security
	Password     PasswordKind
}

// CustomProvider is the ID of "another provider": the seller types the servers.
const CustomProvider = "custom"

// Providers lists the known providers; custom comes last.
var providers = []Provider{
	{ID: "qq", Name: "QQ Mail", Domains: []string{"qq.com", "vip.qq.com", "foxmail.com"},
		IMAP: "imap.qq.com:993", SMTP: "smtp.qq.com:465", Security: storage.SecurityTLS, Password: PasswordAuthCode},
	{ID: "exmail", Name: "Tencent Exmail", Domains: []string{"exmail.qq.com"},
		IMAP: "imap.exmail.qq.com:993", SMTP: "smtp.exmail.qq.com:465", Security: storage.SecurityTLS, Password: PasswordClient},
	{ID: "163", Name: "NetEase 163 Mail", Domains: []string{"163.com", "vip.163.com"},
		IMAP: "imap.163.com:993", SMTP: "smtp.163.com:465", Security: storage.SecurityTLS, Password: PasswordAuthCode},
	{ID: "126", Name: "NetEase 126 Mail", Domains: []string{"126.com", "vip.126.com"},
		IMAP: "imap.126.com:993", SMTP: "smtp.126.com:465", Security: storage.SecurityTLS, Password: PasswordAuthCode},
	{ID: "yeah", Name: "NetEase yeah.net Mail", Domains: []string{"yeah.net"},
		IMAP: "imap.yeah.net:993", SMTP: "smtp.yeah.net:465", Security: storage.SecurityTLS, Password: PasswordAuthCode},
	{ID: "aliyun", Name: "Aliyun Mail", Domains: []string{"aliyun.com"},
		IMAP: "imap.aliyun.com:993", SMTP: "smtp.aliyun.com:465", Security: storage.SecurityTLS, Password: PasswordNormal},
	{ID: "aliyun-qiye", Name: "Aliyun Enterprise Mail", Domains: []string{"qiye.aliyun.com"},
		IMAP: "imap.qiye.aliyun.com:993", SMTP: "smtp.qiye.aliyun.com:465", Security: storage.SecurityTLS, Password: PasswordClient},
	{ID: "sina", Name: "Sina Mail", Domains: []string{"sina.com", "sina.cn", "vip.sina.com"},
		IMAP: "imap.sina.com:993", SMTP: "smtp.sina.com:465", Security: storage.SecurityTLS, Password: PasswordAuthCode},
	{ID: "sohu", Name: "Sohu Mail", Domains: []string{"sohu.com", "vip.sohu.com"},
		IMAP: "imap.sohu.com:993", SMTP: "smtp.sohu.com:465", Security: storage.SecurityTLS, Password: PasswordAuthCode},
	{ID: "gmail", Name: "Gmail", Domains: []string{"gmail.com", "googlemail.com"},
		IMAP: "imap.gmail.com:993", SMTP: "smtp.gmail.com:465", Security: storage.SecurityTLS, Password: PasswordApp},
	{ID: "outlook", Name: "Outlook / Microsoft 365", Domains: []string{"outlook.com", "hotmail.com", "live.com", "msn.com", "outlook.cn"},
		// Microsoft sends only with STARTTLS on 587.
		IMAP: "outlook.office365.com:993", SMTP: "smtp-mail.outlook.com:587",
		Security: storage.SecurityTLS, SMTPSecurity: storage.SecurityStartTLS, Password: PasswordOAuth},
	{ID: "yahoo", Name: "Yahoo Mail", Domains: []string{"yahoo.com", "ymail.com", "rocketmail.com", "yahoo.co.uk", "yahoo.co.jp"},
		IMAP: "imap.mail.yahoo.com:993", SMTP: "smtp.mail.yahoo.com:465", Security: storage.SecurityTLS, Password: PasswordApp},
	{ID: "icloud", Name: "iCloud Mail", Domains: []string{"icloud.com", "me.com", "mac.com"},
		// Apple sends only with STARTTLS on 587.
		IMAP: "imap.mail.me.com:993", SMTP: "smtp.mail.me.com:587",
		Security: storage.SecurityTLS, SMTPSecurity: storage.SecurityStartTLS, Password: PasswordApp},
	{ID: "zoho", Name: "Zoho Mail", Domains: []string{"zoho.com", "zohomail.com"},
		IMAP: "imap.zoho.com:993", SMTP: "smtp.zoho.com:465", Security: storage.SecurityTLS, Password: PasswordApp},
	{ID: CustomProvider, Name: "Other (type the servers)", Security: storage.SecurityTLS, Password: PasswordNormal},
}

// Providers returns the known providers, the custom entry last.
func Providers() []Provider {
	out := make([]Provider, len(providers))
	copy(out, providers)
	return out
}

// ProviderByID returns the provider with the ID, or the custom one.
func ProviderByID(id string) Provider {
	for _, p := range providers {
		if p.ID == id {
			return p
		}
	}
	return providers[len(providers)-1]
}

// ProviderFor picks the provider from an address's domain; ok is false
// (and the custom entry returned) when the domain is not a known one, as
// for a shop's own domain hosted at Exmail or Aliyun: the seller picks.
func ProviderFor(email string) (p Provider, ok bool) {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ProviderByID(CustomProvider), false
	}
	domain := strings.ToLower(strings.TrimSpace(strings.TrimSuffix(email[at+1:], ">")))
	for _, p := range providers {
		for _, d := range p.Domains {
			if d == domain {
				return p, true
			}
		}
	}
	return ProviderByID(CustomProvider), false
}

// Apply fills the account's servers and security from the provider; the
// custom provider leaves them as they are.
func (p Provider) Apply(a *storage.Account) {
	if p.ID == CustomProvider {
		return
	}
	a.IMAP, a.SMTP, a.Security, a.SMTPSecurity = p.IMAP, p.SMTP, p.Security, p.SMTPSecurity
}

// ProviderOf finds the provider whose servers the account uses, or custom.
func ProviderOf(a storage.Account) Provider {
	for _, p := range providers {
		if p.ID != CustomProvider && p.IMAP == a.IMAP && p.SMTP == a.SMTP {
			return p
		}
	}
	return ProviderByID(CustomProvider)
}
