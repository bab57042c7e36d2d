package outbox

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/storage"
)

// outcome is what one SMTP transaction did to the message.
type outcome int

const (
	outAccepted  outcome = iota // 250 to the final dot
	outRetry                    // 4xx, or the connection failed before the final dot was out
	outFailed                   // 5xx: refused for good
	outUncertain                // the connection failed after the final dot: may have been sent
	outAborted                  // the store failed before DATA: nothing was sent
)

// send hands a queued item to the SMTP server (queued -> sending ->
// accepted, or back to queued, failed or uncertain).
func (r *run) send(it storage.OutboxItem) (storage.OutboxItem, error) {
	if r.smtpErr != nil {
		return it, nil // the server is unreachable: leave the rest queued untouched
	}
	it, raw, claimed, err := r.claim(it)
	if err != nil || !claimed {
		return it, err
	}
	c, err := r.smtpClient()
	if err != nil {
		r.smtpErr = err
		return r.settle(it, raw, outRetry, err)
	}
	out, err := r.transact(c, &it, raw)
	if out == outAborted {
		// The item stays in "sending" until the next start requeues it.
		r.dropSMTP(false)
		return it, err
	}
	return r.settle(it, raw, out, err)
}

// claim moves the item to "sending" before any connection is made, in a
// transaction that first checks it is still queued and due, so that no two
// flushes can take the same item.
func (r *run) claim(it storage.OutboxItem) (storage.OutboxItem, []byte, bool, error) {
	var raw []byte
	claimed := false
	now := r.s.Now()
	err := r.s.Store.Update(func(tx *storage.Tx) error {
		cur, err := tx.OutboxItem(it.ID)
		if err != nil {
			return err
		}
		it = cur
		if cur.State != storage.OutQueued || cur.NextAttempt.After(now) {
			return nil
		}
		if _, err := sentCopy(tx, cur.MessageID); err == nil {
			// The sync found it in Sent meanwhile: it went out already.
			it.LastError = "found in the Sent folder: not sent again"
			return accept(tx, &it, nil, now)
		} else if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if raw, err = tx.OutboxRaw(cur.ID); err != nil {
			return err
		}
		it.State = storage.OutSending
		it.Attempts++
		claimed = true
		return tx.SaveOutboxItem(&it)
	})
	return it, raw, claimed && err == nil, err
}

// transact runs MAIL, RCPT and DATA. It persists storage.OutData before DATA:
// from that command on, the message may reach the server.
func (r *run) transact(c *smtp.Client, it *storage.OutboxItem, raw []byte) (outcome, error) {
	if err := c.Mail(it.From, &smtp.MailOptions{Size: int64(len(raw))}); err != nil {
		return beforeDot(err), &stepError{"MAIL FROM", err}
	}
	for _, to := range it.Recipients {
		if err := c.Rcpt(to, nil); err != nil {
			return beforeDot(err), &stepError{"RCPT TO <" + to + ">", err}
		}
	}
	it.State = storage.OutData
	if err := r.save(it); err != nil {
		return outAborted, err
	}
	w, err := c.Data()
	if err != nil {
		return beforeDot(err), &stepError{"DATA", err}
	}
	// go-smtp sets no deadline while the message is written: a stalled
	// server would hold us forever. Closing the connection breaks the
	// write (a write error: the dot never went out) or the wait for the
	// reply (uncertain), each classified below.
	watchdog := time.AfterFunc(r.s.WriteTimeout+r.s.SubmissionTimeout, func() { c.Close() })
	defer watchdog.Stop()
	if _, err := w.Write(raw); err != nil {
		return outRetry, &stepError{"message", err}
	}
	err = w.Close()
	switch {
	case err == nil:
		return outAccepted, nil
	case isSMTPError(err):
		return beforeDot(err), &stepError{"message", err}
	case isWriteError(err):
		// A write that failed left its last bytes unsent, and the final
		// dot is the last thing written: the server cannot have it.
		return outRetry, &stepError{"end of the message", err}
	}
	return outUncertain, err
}

// stepError says which step of the transaction failed, in the server's
// words when the server answered ("RCPT TO <a@b.cn>: 550 5.1.1 No such
// user"), so the seller sees what the server said.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + serverWords(e.err) }
func (e *stepError) Unwrap() error { return e.err }

// beforeDot classifies an error that leaves the message undelivered: the
// server's 5xx is final; its 4xx and any connection trouble are worth
// another attempt.
func beforeDot(err error) outcome {
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 && se.Code < 600 {
		return outFailed
	}
	return outRetry
}

func isSMTPError(err error) bool {
	var se *smtp.SMTPError
	return errors.As(err, &se)
}

func isWriteError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "write"
}

// settle persists the outcome of an attempt.
func (r *run) settle(it storage.OutboxItem, raw []byte, out outcome, err error) (storage.OutboxItem, error) {
	log := r.itemLog(it).WithField("attempt", it.Attempts)
	now := r.s.Now()
	if out != outAccepted {
		r.dropSMTP(false)
	}
	switch out {
	case outAccepted:
		it.LastError = ""
		log.Info("accepted by the server")
		return it, r.s.Store.Update(func(tx *storage.Tx) error { return accept(tx, &it, raw, now) })
	case outRetry:
		it.State = storage.OutQueued
		it.NextAttempt = now.Add(backoff(it.Attempts))
		it.LastError = err.Error()
		log.WithFields(logrus.Fields{"error": it.LastError, "next_attempt": it.NextAttempt}).Warn("not sent; will retry")
	case outFailed:
		it.State = storage.OutFailed
		it.LastError = err.Error()
		log.WithField("error", it.LastError).Warn("refused by the server")
	case outUncertain:
		it.State = storage.OutUncertain
		it.LastError = "the connection was lost after the message was handed over, before the server confirmed it: it may have been sent (" + err.Error() + ")"
		log.WithField("error", err).Warn("may have been sent")
	}
	return it, r.save(&it)
}

// serverWords renders an error with the server's reply as the server
// said it ("550 5.1.1 No such user"), so the seller sees its own words.
func serverWords(err error) string {
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return err.Error()
	}
	words := fmt.Sprintf("%d", se.Code)
	if ec := se.EnhancedCode; ec[0] > 0 {
		words += fmt.Sprintf(" %d.%d.%d", ec[0], ec[1], ec[2])
	}
	if se.Message != "" {
		words += " " + se.Message
	}
	return words
}

// smtpClient returns the SMTP connection, dialling on first use.
func (r *run) smtpClient() (*smtp.Client, error) {
	if r.smtp != nil {
		return r.smtp, nil
	}
	c, err := r.s.DialSMTP(r.acct, r.password)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	c.CommandTimeout = r.s.CommandTimeout
	c.SubmissionTimeout = r.s.SubmissionTimeout
	r.smtp = c
	return c, nil
}

// dropSMTP ends the connection: politely after a good run, at once after
// trouble, so that the next item starts on a clean connection.
func (r *run) dropSMTP(polite bool) {
	if r.smtp == nil {
		return
	}
	if !polite || r.smtp.Quit() != nil {
		r.smtp.Close()
	}
	r.smtp = nil
}
