// Command atlas runs the Atlas des communs: the web server and its
// administration commands. Subcommands only; configuration comes from
// ATLAS_* environment variables.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"atlas/internal/app"
	"atlas/internal/auth"
	"atlas/internal/config"
	"atlas/internal/i18n"
)

const usage = `atlas — Atlas des communs

Usage:
  atlas [serve]                         migrate if allowed, then serve on ATLAS_ADDR
  atlas migrate                         apply pending migrations and exit
  atlas user create --username U --email E --role contributor|admin [--password-stdin]
  atlas user password --username U      read a new password on standard input
  atlas token create --username U [--name N]
  atlas import [--as U] [--geojson] FILE...   import Markdown sheets (or GeoJSON / .umap places)
  atlas import --etherpad [--as U] [--title T] [--slug S | --into SLUG] FILE.etherpad
                                        a pad and its history, one revision per writing burst
  atlas export --out FILE.zip           write the whole atlas to an archive
  atlas export --git DIR                write every sheet's history as a git repository
  atlas import-archive FILE.zip         restore an archive into an empty database
  atlas backup --out FILE.db            consistent online copy of the SQLite database
  atlas demo                            load invented sample sheets
  atlas reindex                         rebuild cards and the search index
  atlas setup-link                      while no account exists, print a link that creates the first admin
  atlas config                          print the configuration as ATLAS_*=value lines, secrets masked
  atlas healthcheck                     exit 0 when the local server's /healthz is ok

Configuration: ATLAS_ADDR, ATLAS_DATA_DIR, ATLAS_DATABASE_URL, ATLAS_BASE_URL,
ATLAS_AUTO_MIGRATE, ATLAS_LANG, ATLAS_LOG_FORMAT, ATLAS_TRUSTED_PROXY,
ATLAS_METRICS_ADDR, ATLAS_METRICS_TOKEN, ATLAS_SMTP_URL, ATLAS_SIGNUP (see README.md).
`

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "atlas: "+strings.ReplaceAll(err.Error(), "\n", " "))
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	log := app.NewLogger(cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, stdout)
	case "migrate":
		return migrateCommand(ctx, cfg, log)
	case "user":
		return userCommand(ctx, cfg, log, args, stdin, stdout)
	case "token":
		return tokenCommand(ctx, cfg, log, args, stdout)
	case "export":
		return exportCommand(ctx, cfg, log, args, stdout)
	case "import":
		return importCommand(ctx, cfg, log, args, stdout)
	case "import-archive":
		return importArchiveCommand(ctx, cfg, log, args, stdout)
	case "backup":
		return backupCommand(ctx, cfg, log, args, stdout)
	case "demo":
		return demoCommand(ctx, cfg, log, stdout)
	case "reindex":
		return reindexCommand(ctx, cfg, log, stdout)
	case "healthcheck":
		return healthcheck(ctx, cfg)
	case "setup-link":
		return setupLinkCommand(ctx, cfg, log, stdout)
	case "config":
		_, err := fmt.Fprintln(stdout, strings.Join(cfg.Lines(), "\n"))
		return err
	case "help", "-h", "--help":
		_, err := fmt.Fprint(stdout, usage)
		return err
	}
	return fmt.Errorf("unknown command %q (try atlas help)", cmd)
}

// closeApp closes the atlas when a command ends. A database that fails to
// close may not have written everything, so that fails the command, unless
// it failed already.
func closeApp(a *app.App, err *error) {
	if cerr := a.Close(); cerr != nil && *err == nil {
		*err = cerr
	}
}

func migrateCommand(ctx context.Context, cfg config.Config, log *slog.Logger) (err error) {
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	return a.DB.Migrate(ctx, log)
}

// serve runs the atlas until SIGINT or SIGTERM, then stops gracefully and
// exits 0: an interrupted server that stopped well has not failed.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) (err error) {
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	if err := a.PrepareSchema(ctx); err != nil {
		return err
	}
	a.Ready = func(openURL string) {
		// Only a courtesy: the server runs whether or not anyone reads it.
		_, _ = fmt.Fprintln(stdout, i18n.T(cfg.Lang, "serve.open", openURL))
		printSetupLink(ctx, a, log, stdout, openURL)
	}
	return a.Serve(ctx)
}

// openMigrated opens the atlas for an administration command, migrating an
// embedded SQLite database on first use so `atlas user create` works on a
// fresh clone.
func openMigrated(ctx context.Context, cfg config.Config, log *slog.Logger) (*app.App, error) {
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := a.PrepareSchema(ctx); err != nil {
		return nil, errors.Join(err, a.Close())
	}
	return a, nil
}

// printSetupLink prints, on an atlas without accounts, a new link that
// creates its first admin; with accounts it prints nothing.
func printSetupLink(ctx context.Context, a *app.App, log *slog.Logger, stdout io.Writer, openURL string) {
	link, err := a.Auth.NewSetupLink(ctx)
	switch {
	case errors.Is(err, auth.ErrSetupDone):
	case err != nil:
		log.Warn("setup link not made", "error", err.Error())
	default:
		_, _ = fmt.Fprintln(stdout, i18n.T(a.Config.Lang, "serve.setup_link", strings.TrimSuffix(openURL, "/")+"/setup/"+link.Token))
	}
}

// setupLinkCommand prints a new setup link, which replaces the one the
// server printed; once an account exists there is none to make.
func setupLinkCommand(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) (err error) {
	a, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	link, err := a.Auth.NewSetupLink(ctx)
	if errors.Is(err, auth.ErrSetupDone) {
		return errors.New("setup-link: the atlas has accounts already; an admin makes password links on /admin/users")
	}
	if err != nil {
		return err
	}
	base := cfg.BaseURL
	if base == "" {
		base = app.OpenURL(cfg, listenAddr(cfg.Addr))
	}
	_, err = fmt.Fprintln(stdout, strings.TrimSuffix(base, "/")+"/setup/"+link.Token)
	return err
}

// listenAddr is ATLAS_ADDR as an address, for the link printed when no
// ATLAS_BASE_URL is set.
func listenAddr(addr string) net.Addr {
	tcp, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return &net.TCPAddr{IP: net.IPv4zero, Port: 8080}
	}
	if tcp.IP == nil {
		tcp.IP = net.IPv4zero // ":8080", every interface
	}
	return tcp
}

func userCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) (err error) {
	if len(args) >= 1 && args[0] == "password" {
		return userPasswordCommand(ctx, cfg, log, args[1:], stdin, stdout)
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: atlas user create --username U --email E --role R [--password-stdin]")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	username := fs.String("username", "", "login name")
	email := fs.String("email", "", "e-mail address")
	role := fs.String("role", "contributor", "contributor or admin")
	name := fs.String("name", "", "display name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("user create: unexpected argument %q", fs.Arg(0))
	}
	password, generated := "", false
	if *fromStdin {
		data, err := io.ReadAll(io.LimitReader(stdin, 4096))
		if err != nil {
			return fmt.Errorf("user create: read password: %w", err)
		}
		password = strings.TrimRight(string(data), "\r\n")
	} else {
		password, generated = auth.NewToken()[:20], true
	}
	a, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	u, err := a.Auth.CreateUser(ctx, auth.NewUser{Username: *username, Email: *email, Role: *role, DisplayName: *name, Password: password})
	var invalid *auth.InvalidError
	if errors.As(err, &invalid) {
		return fmt.Errorf("user create: %s: %s", invalid.Field, i18n.T("en", invalid.Key, invalid.Args...))
	}
	if err != nil {
		return err
	}
	if generated {
		_, err = fmt.Fprintf(stdout, "created %s (%s); password: %s\n", u.Username, u.Role, password)
	} else {
		_, err = fmt.Fprintf(stdout, "created %s (%s)\n", u.Username, u.Role)
	}
	return err
}

func userPasswordCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("user password", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	username := fs.String("username", "", "login name")
	if err := fs.Parse(args); err != nil || *username == "" {
		return errors.New("usage: atlas user password --username U < password")
	}
	a, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	return passwordCommand(ctx, a, *username, stdin, stdout)
}

func tokenCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) (err error) {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: atlas token create --username U [--name N]")
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	username := fs.String("username", "", "account the token acts for")
	name := fs.String("name", "", "a name to recognise the token by")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	if *username == "" {
		return errors.New("token create: --username is required")
	}
	a, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	u, err := a.Store.UserByUsername(ctx, *username)
	if err != nil {
		return fmt.Errorf("token create: no user %q", *username)
	}
	token, err := a.Auth.CreateAPIToken(ctx, u.ID, *name)
	var invalid *auth.InvalidError
	if errors.As(err, &invalid) {
		return fmt.Errorf("token create: %s", i18n.T("en", invalid.Key, invalid.Args...))
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, token)
	return err
}

// healthcheck asks the local server whether it and its database answer,
// for container health checks (the runtime image has no curl).
func healthcheck(ctx context.Context, cfg config.Config) error {
	port := cfg.Addr[strings.LastIndex(cfg.Addr, ":")+1:]
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		// The answer names the failing check (database, disk, migrations).
		said, _ := io.ReadAll(io.LimitReader(resp.Body, 2<<10))
		return fmt.Errorf("healthcheck: status %d: %s", resp.StatusCode, bytes.TrimSpace(said))
	}
	return nil
}
