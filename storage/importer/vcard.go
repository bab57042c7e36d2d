package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/archive"
)

// ImportVCards imports the customers of a vCard file (4.0, 3.0 or 2.1),
// matched like CSV rows: by email, then phone. A card that cannot be read
// is reported by the line it starts on.
func ImportVCards(ctx context.Context, st Store, r io.Reader, opt Options) (Report, error) {
	cards, err := archive.ReadVCards(r)
	if err != nil {
		return Report{Kind: KindCustomers}, err
	}
	opt.Kind = KindCustomers
	rep := Report{Kind: KindCustomers, Rows: len(cards), DryRun: opt.DryRun}
	run := &run{opt: opt, orders: map[string]*seenOrder{}}
	batch := opt.BatchSize
	if batch <= 0 {
		batch = defaultBatch
	}
	if opt.DryRun {
		batch = len(cards)
	}
	for start := 0; start < len(cards) && !rep.Cancelled; start += batch {
		end := min(start+batch, len(cards))
		var part Report
		err := st.Update(func(tx *storage.Tx) error {
			part = Report{}
			for _, card := range cards[start:end] {
				if ctx.Err() != nil {
					part.Cancelled = true
					break
				}
				if err := run.card(tx, card, &part); err != nil {
					return fmt.Errorf("vCard at line %d: %w", card.Line, err)
				}
			}
			if opt.DryRun {
				return errRollback
			}
			return nil
		})
		if err != nil && !errors.Is(err, errRollback) {
			return rep, fmt.Errorf("import: %w", err)
		}
		rep.add(part)
		if opt.Progress != nil {
			opt.Progress(end, len(cards))
		}
	}
	return rep, nil
}

func (r *run) card(tx *storage.Tx, card archive.Card, rep *Report) error {
	l := &line{row: Row{Line: card.Line}}
	if card.Err != nil {
		l.fail(ReasonBadCard, "", "", card.Err.Error())
	} else {
		for _, p := range card.Problems {
			l.warn(ReasonBadCard, "", strings.TrimSpace(p))
		}
	}
	var res outcome
	if !l.skip {
		c := candidate{c: card.Customer, seg: card.Customer.Segment != ""}
		c.c.ID, c.c.Updated = 0, time.Time{} // the store gives both
		var err error
		if res, _, err = r.saveCustomer(tx, l, c, true); err != nil {
			return err
		}
	}
	rep.Issues = append(rep.Issues, l.issues...)
	switch {
	case l.skip:
		rep.Skipped++
	case res == created:
		rep.Imported++
	case res == updated:
		rep.Updated++
	default:
		rep.Unchanged++
	}
	return nil
}
