package ui

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// The inbox lists every conversation of the chosen filter in one
// virtualized list. A load reads the ordered IDs (cheap even at 100,000)
// and the records of the rows on screen; a row scrolled into view is read
// on demand, off the main goroutine, into a bounded cache.
const (
	inboxBlock    = 32   // rows read together when one is drawn unread
	inboxAhead    = 16   // rows a load reads beyond each edge of the screen
	inboxCacheMax = 1024 // records kept; past it only those near the screen stay
)

// inboxView is the status part of the inbox filter.
type inboxView int

const (
	viewOpen    inboxView = iota // waiting for us, snoozed ones left out
	viewWaiting                  // waiting on the customer
	viewSnoozed
	viewClosed
	viewAll
)

var inboxViews = []inboxView{viewOpen, viewWaiting, viewSnoozed, viewClosed, viewAll}

func (v inboxView) name() string {
	switch v {
	case viewWaiting:
		return conversationStatusName(storage.StatusWaiting)
	case viewSnoozed:
		return lang.L("Snoozed")
	case viewClosed:
		return conversationStatusName(storage.StatusClosed)
	case viewAll:
		return lang.L("All conversations")
	}
	return conversationStatusName(storage.StatusOpen)
}

// inboxFilter is what the seller chose to see.
type inboxFilter struct {
	view    inboxView
	tag     string // "" for every tag
	account string // "" for every account
	search  string // lower-cased; matched against customer name and subject
}

// inboxRow is what one row shows. missing marks a conversation deleted
// after its ID was listed, so it is not asked for again.
type inboxRow struct {
	conv    storage.Conversation
	name    string
	missing bool
}

// inboxScreen is the start screen.
type inboxScreen struct {
	d   *Desk
	due *dueSidePanel // today's follow-ups beside the list

	mu      sync.Mutex
	filter  inboxFilter // read by loads
	first   int         // the first row on screen, for loads
	showing int         // how many rows fit on screen
	want    []uint64    // rows asked for and not read yet
	wantGen int         // the list generation want belongs to

	fetcher *throttle
	// recordsRead counts conversation records read, for tests that check
	// the list stays lazy.
	recordsRead atomic.Int64
	// shown, when set, is called once the first rows (or the empty state)
	// are drawn (deskbench). Main goroutine.
	shown func()

	// Main goroutine only from here.
	ids      []uint64
	rows     map[uint64]inboxRow
	asked    map[uint64]int // conversation ID -> list index, while being read
	gen      int            // bumped by each load, so late reads of an old list are dropped
	selected uint64         // the conversation under the keyboard cursor (0: none)
	cursor   int            // its index in ids (-1: none)
	hours    storage.WorkClock
	target   time.Duration
	tags     []string
	accounts []string
	pitch    float32 // a row's height plus the list's padding

	list     *widget.List
	views    *widget.Select
	tagPick  *widget.Select
	acctPick *widget.Select
	tagBox   fyne.CanvasObject // the pickers at their width, hidden when there is no choice
	acctBox  fyne.CanvasObject
	bar      *fyne.Container
	search   *searchEntry
	count    *widget.Label
	open     *tipButton
	reply    *tipButton
	panel    *panel
}

func (s *inboxScreen) watches(k storage.Kind) bool {
	return k == storage.KindConversation || k == storage.KindCustomer || k == storage.KindSettings || k == storage.KindAccount
}

func (s *inboxScreen) build() fyne.CanvasObject {
	s.rows = map[uint64]inboxRow{}
	s.asked = map[uint64]int{}
	s.fetcher = newThrottle(0, s.fetch)

	s.list = widget.NewList(
		func() int { return len(s.ids) },
		func() fyne.CanvasObject { return newInboxItem(s) },
		s.updateItem)
	// Rows take their own clicks; the list selects only on Space while
	// it has the focus, and that opens the row as Enter does.
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.UnselectAll()
		s.activate(id)
	}
	s.cursor = -1
	s.pitch = s.list.CreateItem().MinSize().Height + theme.Padding()

	names := make([]string, len(inboxViews))
	for i, v := range inboxViews {
		names[i] = v.name()
	}
	s.views = widget.NewSelect(names, nil)
	s.views.SetSelectedIndex(0)
	s.views.OnChanged = func(string) {
		s.setFilter(func(f *inboxFilter) { f.view = inboxViews[max(0, s.views.SelectedIndex())] })
	}
	s.tagPick = widget.NewSelect(nil, func(string) {
		tag := ""
		if i := s.tagPick.SelectedIndex(); i > 0 {
			tag = s.tags[i-1]
		}
		s.setFilter(func(f *inboxFilter) { f.tag = tag })
	})
	s.tagPick.PlaceHolder = lang.L("All tags")
	s.acctPick = widget.NewSelect(nil, func(string) {
		account := ""
		if i := s.acctPick.SelectedIndex(); i > 0 {
			account = s.accounts[i-1]
		}
		s.setFilter(func(f *inboxFilter) { f.account = account })
	})
	s.acctPick.PlaceHolder = lang.L("All accounts")

	s.search = newSearchEntry()
	s.search.SetPlaceHolder(lang.L("Search names and subjects"))
	s.search.OnChanged = func(text string) {
		s.setFilter(func(f *inboxFilter) { f.search = strings.ToLower(strings.TrimSpace(text)) })
	}
	s.search.OnSubmitted = func(string) { s.leaveSearch(true) }
	s.search.onEscape = func() {
		if s.search.Text != "" {
			s.search.SetText("")
			return
		}
		s.leaveSearch(false)
	}
	s.search.onDown = func() { s.leaveSearch(true) }

	s.count = widget.NewLabel("")
	s.count.Importance = widget.LowImportance
	s.open = s.d.newTipButton(lang.L("Open"), theme.MailComposeIcon(), lang.L("Open the conversation (Enter)"), s.openSelected)
	s.reply = s.d.newTipButton(lang.L("Reply"), theme.MailReplyIcon(), lang.L("Reply to the customer (R)"), s.replySelected)
	s.updateButtons()

	s.panel = newPanel(s.list, theme.MailReplyIcon(), "")
	wide := func(w float32, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
	}
	s.tagBox, s.acctBox = wide(160, s.tagPick), wide(180, s.acctPick)
	s.tagBox.Hide()
	s.acctBox.Hide()
	filters := container.NewHBox(wide(200, s.views), s.tagBox, s.acctBox, s.count)
	s.bar = container.NewBorder(nil, nil, filters, container.NewHBox(s.open, s.reply))
	// Today's follow-ups sit beside the conversations (followups_panel.go).
	s.due = newDueSidePanel(s.d)
	side := container.NewHBox(widget.NewSeparator(), s.due.build())
	body := container.NewBorder(container.NewVBox(s.bar, widget.NewSeparator()), nil, nil, side, s.panel.content)
	return screenFrame(lang.L("Inbox"), wide(320, s.search), body, nil)
}

// setFilter changes the filter and reloads from the top.
func (s *inboxScreen) setFilter(change func(*inboxFilter)) {
	s.mu.Lock()
	change(&s.filter)
	s.first = 0
	s.mu.Unlock()
	if s.list != nil {
		s.list.ScrollToTop()
	}
	s.d.pageOf(s).reload.Trigger()
}

func (s *inboxScreen) currentFilter() inboxFilter {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.filter
}

// inboxLoad is what one load read.
type inboxLoad struct {
	ids      []uint64
	rows     map[uint64]inboxRow
	settings storage.Settings
	tags     []string
	accounts []string
}

func (s *inboxScreen) load() {
	s.mu.Lock()
	f, first, showing := s.filter, s.first, s.showing
	s.mu.Unlock()
	now := s.d.now()
	var res inboxLoad
	err := s.d.store.View(func(tx *storage.Tx) error {
		var err error
		if res.settings, err = tx.Settings(); err != nil {
			return err
		}
		accounts, err := tx.Accounts()
		if err != nil {
			return err
		}
		for _, a := range accounts {
			res.accounts = append(res.accounts, a.Name)
		}
		res.tags = tx.ConversationTags()
		res.ids = s.narrow(tx, f, inboxIDs(tx, f.view, f.tag, now))
		lo := max(0, min(first, len(res.ids))-inboxAhead)
		hi := min(len(res.ids), first+max(showing, inboxBlock)+inboxAhead)
		res.rows = s.readRows(tx, res.ids[lo:hi])
		return nil
	})
	if err != nil {
		s.d.log.WithError(err).WithField("filter", f.view.name()).Error("Load the inbox")
	}
	s.d.do(func() { s.apply(res, f, err) })
}

// inboxIDs lists the conversations of a view, in inbox order: open ones
// longest-waiting first, the others latest first; "all" lists open,
// then waiting, then closed.
func inboxIDs(tx *storage.Tx, v inboxView, tag string, now time.Time) []uint64 {
	var ids []uint64
	switch v {
	case viewOpen:
		ids = without(tx.ConversationIDs(storage.StatusOpen), tx.SnoozedIDs(now))
	case viewWaiting:
		ids = tx.ConversationIDs(storage.StatusWaiting)
	case viewSnoozed:
		ids = tx.SnoozedIDs(now)
	case viewClosed:
		ids = tx.ConversationIDs(storage.StatusClosed)
	case viewAll:
		for _, st := range []storage.ConversationStatus{storage.StatusOpen, storage.StatusWaiting, storage.StatusClosed} {
			ids = append(ids, tx.ConversationIDs(st)...)
		}
	}
	if tag != "" {
		ids = within(ids, tx.TaggedIDs(tag))
	}
	return ids
}

// without keeps the IDs of list that are not in drop, in order.
func without(list, drop []uint64) []uint64 {
	if len(drop) == 0 {
		return list
	}
	set := make(map[uint64]bool, len(drop))
	for _, id := range drop {
		set[id] = true
	}
	return slices.DeleteFunc(list, func(id uint64) bool { return set[id] })
}

// within keeps the IDs of list that are also in keep, in order.
func within(list, keep []uint64) []uint64 {
	set := make(map[uint64]bool, len(keep))
	for _, id := range keep {
		set[id] = true
	}
	return slices.DeleteFunc(list, func(id uint64) bool { return !set[id] })
}

// narrow applies the parts of the filter that need each record: the
// account (conversations have no index by account) and the search.
// Without them nothing is read.
func (s *inboxScreen) narrow(tx *storage.Tx, f inboxFilter, ids []uint64) []uint64 {
	if f.account == "" && f.search == "" {
		return ids
	}
	names := map[uint64]string{}
	return slices.DeleteFunc(ids, func(id uint64) bool {
		r := s.readRow(tx, id, names)
		switch {
		case r.missing:
			return true
		case f.account != "" && r.conv.Account != f.account:
			return true
		case f.search != "":
			return !strings.Contains(strings.ToLower(r.name), f.search) &&
				!strings.Contains(strings.ToLower(r.conv.Subject), f.search)
		}
		return false
	})
}

func (s *inboxScreen) readRows(tx *storage.Tx, ids []uint64) map[uint64]inboxRow {
	rows := make(map[uint64]inboxRow, len(ids))
	names := map[uint64]string{}
	for _, id := range ids {
		rows[id] = s.readRow(tx, id, names)
	}
	return rows
}

// readRow reads one conversation and its customer's name; names caches
// the names already read in this transaction.
func (s *inboxScreen) readRow(tx *storage.Tx, id uint64, names map[uint64]string) inboxRow {
	s.recordsRead.Add(1)
	c, err := tx.Conversation(id)
	if err != nil {
		return inboxRow{conv: storage.Conversation{ID: id}, missing: true}
	}
	name, ok := names[c.CustomerID]
	if !ok {
		// A missing customer still shows the conversation.
		cust, _ := tx.Customer(c.CustomerID)
		name = customerName(cust)
		names[c.CustomerID] = name
	}
	return inboxRow{conv: c, name: name}
}

// apply shows a load's result. Main goroutine.
func (s *inboxScreen) apply(res inboxLoad, f inboxFilter, err error) {
	if f != s.currentFilter() {
		return // the seller changed the filter meanwhile; its own load follows
	}
	s.gen++
	s.mu.Lock()
	s.want, s.wantGen = nil, s.gen
	s.mu.Unlock()
	s.ids, s.rows, s.asked = res.ids, res.rows, map[uint64]int{}
	s.hours = storage.NewWorkClock(res.settings.Hours)
	s.target = res.settings.ResponseTarget
	s.setTags(res.tags)
	s.setAccounts(res.accounts)
	s.count.SetText(lang.L("{{.Count}} conversations", map[string]any{"Count": groupThousands(strconv.Itoa(len(s.ids)))}))
	s.restoreSelection()
	s.list.Refresh()
	switch {
	case err != nil:
		s.panel.showError()
	case len(s.ids) == 0:
		s.panel.message = s.emptyMessage(f)
		s.panel.showEmpty()
		s.firstShown() // nothing more will be drawn
	default:
		s.panel.showMain()
	}
}

func (s *inboxScreen) setTags(tags []string) {
	if slices.Equal(tags, s.tags) {
		return
	}
	s.tags = tags
	chosen := s.currentFilter().tag
	s.tagPick.Options = append([]string{lang.L("All tags")}, tags...)
	if chosen != "" && !slices.Contains(tags, chosen) {
		s.tagPick.ClearSelected() // the tag is gone: its OnChanged is not called for a clear
		s.setFilter(func(f *inboxFilter) { f.tag = "" })
	}
	s.tagPick.Refresh()
	s.showIf(s.tagBox, len(tags) > 0)
}

// showIf shows or hides a filter and lays the bar out again.
func (s *inboxScreen) showIf(o fyne.CanvasObject, show bool) {
	if o.Visible() == show {
		return
	}
	if show {
		o.Show()
	} else {
		o.Hide()
	}
	s.bar.Refresh()
}

// setAccounts offers the account filter only when there is a choice.
func (s *inboxScreen) setAccounts(accounts []string) {
	if slices.Equal(accounts, s.accounts) {
		return
	}
	s.accounts = accounts
	s.acctPick.Options = append([]string{lang.L("All accounts")}, accounts...)
	s.acctPick.Refresh()
	s.showIf(s.acctBox, len(accounts) > 1)
}

func (s *inboxScreen) emptyMessage(f inboxFilter) string {
	switch {
	case f.search != "" || f.tag != "" || f.account != "":
		return lang.L("No conversations match.")
	case f.view == viewWaiting:
		return lang.L("No conversations are waiting on a customer.")
	case f.view == viewSnoozed:
		return lang.L("No snoozed conversations.")
	case f.view == viewClosed:
		return lang.L("No closed conversations yet.")
	case f.view == viewAll:
		return lang.L("No conversations yet. Customer mail appears here.")
	}
	return lang.L("No conversations waiting. New mail appears here.")
}

// updateItem draws row i, asking for its record when it is not at hand.
func (s *inboxScreen) updateItem(i widget.ListItemID, o fyne.CanvasObject) {
	item := o.(*inboxItem)
	item.index = i
	if i >= len(s.ids) {
		item.clear()
		return
	}
	s.noteScreen()
	row, ok := s.rows[s.ids[i]]
	if !ok {
		item.clear()
		s.ask(i)
		return
	}
	item.set(row, i == s.cursor, s.d.now(), s.hours, s.target)
	s.firstShown()
}

// firstShown calls shown the first time the inbox shows its rows, or
// its empty state.
func (s *inboxScreen) firstShown() {
	if s.shown != nil {
		shown := s.shown
		s.shown = nil
		shown()
	}
}

// noteScreen records which rows are on screen, for loads to read.
func (s *inboxScreen) noteScreen() {
	if s.pitch <= 0 {
		return
	}
	first := int(s.list.GetScrollOffset() / s.pitch)
	showing := int(s.list.Size().Height/s.pitch) + 2
	s.mu.Lock()
	s.first, s.showing = first, showing
	s.mu.Unlock()
}

// ask queues the block of rows around i to be read.
func (s *inboxScreen) ask(i int) {
	lo := i / inboxBlock * inboxBlock
	hi := min(len(s.ids), lo+inboxBlock)
	var ids []uint64
	for j := lo; j < hi; j++ {
		id := s.ids[j]
		if _, cached := s.rows[id]; cached {
			continue
		}
		if _, asked := s.asked[id]; asked {
			continue
		}
		s.asked[id] = j
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return
	}
	s.mu.Lock()
	s.want = append(s.want, ids...)
	s.wantGen = s.gen
	s.mu.Unlock()
	s.fetcher.Trigger()
}

// fetch reads the rows asked for. Off the main goroutine.
func (s *inboxScreen) fetch() {
	s.mu.Lock()
	ids, gen := s.want, s.wantGen
	s.want = nil
	s.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	var rows map[uint64]inboxRow
	err := s.d.store.View(func(tx *storage.Tx) error {
		rows = s.readRows(tx, ids)
		return nil
	})
	if err != nil {
		s.d.log.WithError(err).Error("Read inbox rows")
		return
	}
	s.d.do(func() {
		if gen != s.gen {
			return // a load replaced the list; its rows are drawn again
		}
		for id, r := range rows {
			s.rows[id] = r
			if i, ok := s.asked[id]; ok {
				delete(s.asked, id)
				if i < len(s.ids) && s.ids[i] == id {
					s.list.RefreshItem(i)
				}
			}
		}
		s.trim()
	})
}

// trim keeps the cache bounded: past inboxCacheMax, only the records
// near the screen stay.
func (s *inboxScreen) trim() {
	if len(s.rows) <= inboxCacheMax {
		return
	}
	s.mu.Lock()
	first := s.first
	s.mu.Unlock()
	lo := max(0, first-inboxCacheMax/4)
	hi := min(len(s.ids), first+inboxCacheMax/4)
	keep := make(map[uint64]inboxRow, hi-lo)
	for _, id := range s.ids[lo:hi] {
		if r, ok := s.rows[id]; ok {
			keep[id] = r
		}
	}
	s.rows = keep
}

// stop drops pending reads of rows.
func (s *inboxScreen) stop() {
	if s.fetcher != nil {
		s.fetcher.Stop()
	}
	if s.due != nil {
		s.due.stop()
	}
}

// refreshClocks redraws the waiting times as time passes.
func (s *inboxScreen) refreshClocks() {
	if s.list != nil {
		s.list.Refresh()
	}
	if s.due != nil && s.due.list != nil {
		s.due.list.Refresh()
	}
}

// The keyboard cursor is drawn by the rows themselves rather than with
// the list's selection: selecting scrolls the list, and a reload during a
// sync must not pull the list away from where the seller scrolled. The
// cursor follows its conversation across reloads; moving it never opens
// anything, Enter or a click does.

func (s *inboxScreen) indexOf(id uint64) int {
	if id == 0 {
		return -1
	}
	return slices.Index(s.ids, id)
}

// moveCursor moves the cursor by delta rows (to the first row when none).
func (s *inboxScreen) moveCursor(delta int) {
	if len(s.ids) == 0 {
		return
	}
	i := 0
	if s.cursor >= 0 {
		i = max(0, min(len(s.ids)-1, s.cursor+delta))
	}
	s.selectIndex(i)
}

func (s *inboxScreen) selectIndex(i int) {
	old := s.cursor
	s.cursor, s.selected = i, s.ids[i]
	if old >= 0 && old < len(s.ids) {
		s.list.RefreshItem(old)
	}
	s.list.RefreshItem(i)
	s.list.ScrollTo(i)
	s.updateButtons()
}

// restoreSelection finds the cursor's conversation in a new list.
func (s *inboxScreen) restoreSelection() {
	s.cursor = s.indexOf(s.selected)
	if s.cursor < 0 {
		s.selected = 0
	}
	s.updateButtons()
}

func (s *inboxScreen) updateButtons() {
	if s.open == nil {
		return
	}
	if s.selected == 0 {
		s.open.Disable()
		s.reply.Disable()
	} else {
		s.open.Enable()
		s.reply.Enable()
	}
}

// activate is a click on row i: select it and open it.
func (s *inboxScreen) activate(i int) {
	if i < 0 || i >= len(s.ids) {
		return
	}
	s.selectIndex(i)
	s.openSelected()
}

func (s *inboxScreen) openSelected() {
	if s.selected != 0 {
		s.d.actions.openConversation(s.selected)
	}
}

// replySelected opens the composer on the selected conversation,
// answering the customer's latest message.
func (s *inboxScreen) replySelected() {
	id := s.selected
	if id == 0 {
		return
	}
	go func() {
		var replyTo uint64
		err := s.d.store.View(func(tx *storage.Tx) error {
			msgs, err := tx.MessagesOf(id)
			replyTo = lastInbound(msgs)
			return err
		})
		if err != nil {
			s.d.log.WithError(err).WithField("conversation", id).Warn("Read the messages to reply to")
		}
		s.d.do(func() {
			s.d.actions.compose(composeRequest{Mode: storage.DraftReply, ConversationID: id, ReplyTo: replyTo})
		})
	}()
}

// lastInbound is the customer's latest message, else the latest of any,
// else 0.
func lastInbound(msgs []storage.Message) uint64 {
	var latest uint64
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Direction == storage.Inbound {
			return msgs[i].ID
		}
		if latest == 0 {
			latest = msgs[i].ID
		}
	}
	return latest
}

// focusSearch puts the cursor in the search box.
func (s *inboxScreen) focusSearch() {
	if s.search != nil {
		s.d.win.Canvas().Focus(s.search)
	}
}

// leaveSearch gives the keys back to the list, on the first result when
// toList is set.
func (s *inboxScreen) leaveSearch(toList bool) {
	s.d.win.Canvas().Unfocus()
	if toList && s.indexOf(s.selected) < 0 {
		s.moveCursor(0)
	}
}

// takeKey is the inbox's share of the keyboard.
func (s *inboxScreen) takeKey(k keyPress) bool {
	switch {
	case k.name == fyne.KeyDown || k.r == 'j':
		s.moveCursor(1)
	case k.name == fyne.KeyUp || k.r == 'k':
		s.moveCursor(-1)
	case k.name == fyne.KeyReturn || k.name == fyne.KeyEnter:
		s.openSelected()
	case k.r == 'r':
		s.replySelected()
	default:
		return false
	}
	return true
}
