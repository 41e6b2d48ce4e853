package web

// Page names: each is views/pages/<name>.html, parsed with the layout and
// every partial into its own template set at startup.
const (
	pageHome          = "home"
	pageError         = "error"
	pageLogin         = "login"
	pageAccount       = "account"
	pageSheetShow     = "sheet_show"
	pageSheetEdit     = "sheet_edit"
	pageSheetList     = "sheet_list"
	pageHistory       = "sheet_history"
	pageRevisionShow  = "revision_show"
	pageDiff          = "revision_diff"
	pageAdminUsers    = "admin_users"
	pageAdminAudit    = "admin_audit"
	pageReviewShow    = "review_show"
	pageReviewList    = "review_list"
	pageBoard         = "sheet_board"
	pageInbox         = "inbox"
	pageChanges       = "changes"
	pageSearch        = "search"
	pageMap           = "map"
	pageDiscussion    = "sheet_discussion"
	pagePerson        = "person"
	pageSheetAdmin    = "sheet_admin"
	pageSetup         = "setup"
	pagePasswordLink  = "password_link"
	pageForgot        = "forgot"
	pageSignup        = "signup"
	pageBoardMeetings = "board_meetings"
	pageBoardMinutes  = "board_minutes"
	pageUndo          = "revision_undo"
	pageBlame         = "sheet_blame"
)

// pageNames is the registry; a test fails if a file in views/pages is not
// in it.
var pageNames = []string{
	pageHome, pageError, pageLogin, pageAccount, pageSheetShow, pageSheetEdit, pageSheetList,
	pageHistory, pageRevisionShow, pageDiff, pageAdminUsers, pageAdminAudit, pageReviewShow,
	pageReviewList, pageBoard, pageInbox, pageChanges, pageSearch, pageMap, pageDiscussion,
	pagePerson,
	pageSheetAdmin,
	pageSetup, pagePasswordLink, pageForgot, pageSignup,
	pageBoardMeetings, pageBoardMinutes,
	pageUndo,
	pageBlame,
}
