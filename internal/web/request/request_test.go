package request_test

import (
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// serve runs handlers on one route of a bare Fiber app, as user (nil:
// anonymous), and returns the status, the Location header and the body.
func serve(t *testing.T, method, route, target string, user *model.User, body string, handlers ...fiber.Handler) (int, string, string) {
	t.Helper()
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		e, _ := httpx.Classify(err)
		return c.Status(e.Status).SendString(e.Code)
	}})
	setUser := func(c *fiber.Ctx) error {
		if user != nil {
			c.Locals(request.KeyUser, user)
		}
		return c.Next()
	}
	app.Add(method, route, append([]fiber.Handler{setUser}, handlers...)...)
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(out)
}

func ok(c *fiber.Ctx) error { return c.SendString("ok") }

func TestRequireLogin(t *testing.T) {
	member := &model.User{ID: 1, Username: "ada", Role: "member"}
	if status, _, _ := serve(t, "GET", "/sheets/new", "/sheets/new", member, "", request.RequireLogin, ok); status != 200 {
		t.Errorf("signed in: %d", status)
	}
	status, loc, _ := serve(t, "GET", "/sheets/new", "/sheets/new?x=1", nil, "", request.RequireLogin, ok)
	if status != fiber.StatusSeeOther || loc != "/login?next=%2Fsheets%2Fnew%3Fx%3D1" {
		t.Errorf("anonymous page: %d %q", status, loc)
	}
	if status, loc, body := serve(t, "GET", "/api/v1/drafts", "/api/v1/drafts", nil, "", request.RequireLogin, ok); status != 401 || loc != "" || body != "unauthorized" {
		t.Errorf("anonymous API: %d %q %q", status, loc, body)
	}
}

func TestRequireAdmin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		user   *model.User
		status int
	}{
		{"admin", &model.User{ID: 1, Role: model.RoleAdmin}, 200},
		{"member", &model.User{ID: 2, Role: "member"}, 403},
		{"anonymous", nil, 401},
	} {
		if status, _, _ := serve(t, "POST", "/api/v1/x", "/api/v1/x", tc.user, "", request.RequireAdmin, ok); status != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, status, tc.status)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "/",
		"/sheets/four?a=1":   "/sheets/four?a=1",
		"//evil.example/":    "/",
		"/\\evil.example":    "/",
		"https://evil.test/": "/",
		"sheets":             "/",
		"/a\r\nSet-Cookie:x": "/",
	} {
		if got := request.SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQueryIntAndParamInt(t *testing.T) {
	read := func(c *fiber.Ctx) error {
		limit, err := request.QueryInt(c, "limit", 50, 200)
		if err != nil {
			return err
		}
		id, err := request.ParamInt(c, "id")
		if err != nil {
			return err
		}
		return c.JSON([]int{limit, id})
	}
	for target, want := range map[string]string{
		"/r/7":                   "200 [50,7]",
		"/r/7?limit=200":         "200 [200,7]",
		"/r/7?limit=201":         "400 bad_request",
		"/r/7?limit=0":           "400 bad_request",
		"/r/7?limit=x":           "400 bad_request",
		"/r/0":                   "404 not_found",
		"/r/-1":                  "404 not_found",
		"/r/2147483648":          "404 not_found",
		"/r/2147483647?limit=10": "200 [10,2147483647]",
	} {
		status, _, body := serve(t, "GET", "/r/:id", target, nil, "", read)
		if got := strings.Join([]string{itoa(status), body}, " "); got != want {
			t.Errorf("%s: %s, want %s", target, got, want)
		}
	}
	for raw, want := range map[string]bool{"1": true, "2147483647": true, "0": false, "-3": false, "2147483648": false, "x": false} {
		if _, err := request.ParsePositive(raw); (err == nil) != want {
			t.Errorf("ParsePositive(%q): %v", raw, err)
		}
	}
}

func TestDecodeJSON(t *testing.T) {
	decode := func(c *fiber.Ctx) error {
		var in struct {
			Title string `json:"title"`
		}
		if err := request.DecodeJSON(c, &in); err != nil {
			return err
		}
		return c.SendString(in.Title)
	}
	for body, want := range map[string]string{
		`{"title":"Four"}`:         "200 Four",
		`{"title":"Four","x":1}`:   "400 bad_request",
		`{"title":"Four"} {}`:      "400 bad_request",
		`{"title":"a\u0000b"}`:     "400 bad_request",
		`{"title":"\ud800"}`:       "400 invalid_utf8",
		"{\"title\":\"\xff\"}":     "400 invalid_utf8",
		`{"title":"\ud83d\ude00"}`: "200 😀",
	} {
		status, _, got := serve(t, "POST", "/j", "/j", nil, body, decode)
		if s := itoa(status) + " " + got; s != want {
			t.Errorf("%s: %s, want %s", body, s, want)
		}
	}
}

func TestWhoIsAsking(t *testing.T) {
	user := &model.User{ID: 3, Username: "ada"}
	who := func(c *fiber.Ctx) error {
		if request.User(c) != user || request.Viewer(c).User != user || request.Session(c) != nil || request.Lang(c) != "fr" {
			return fiber.ErrTeapot
		}
		return c.SendString("ok")
	}
	if status, _, _ := serve(t, "GET", "/w", "/w", user, "", who); status != 200 {
		t.Errorf("who is asking: %d", status)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCardFilter(t *testing.T) {
	filter := func(c *fiber.Ctx) error {
		f, err := request.CardFilter(c, 51, "cursor")
		if err != nil {
			return err
		}
		return c.SendString(f.Category + "|" + f.Tag + "|" + f.After + "|" + strconv.Itoa(f.Limit))
	}
	for target, want := range map[string]string{
		"/c":                                "200 |||51",
		"/c?tag=+four+&cursor=jardin":       "200 |four|jardin|51",
		"/c?category=nope":                  "400 unknown_category",
		"/c?tag=" + strings.Repeat("t", 61): "400 bad_request",
	} {
		status, _, body := serve(t, "GET", "/c", target, nil, "", filter)
		if got := itoa(status) + " " + body; got != want {
			t.Errorf("%s: %s, want %s", target, got, want)
		}
	}
}
