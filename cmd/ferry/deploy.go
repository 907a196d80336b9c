package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// defaultHost is the server ferry deploy talks to without --host.
const defaultHost = "http://127.0.0.1:3003"

// serverOptions say which ferry server a CLI command talks to, and with
// which secret key (ferry deploy, ferry dryrun).
type serverOptions struct {
	host      string
	secretKey string
}

// addFlags declares --host and --secret-key, for the command and its
// subcommands.
func (o *serverOptions) addFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&o.host, "host", "", "the server's URL (env FERRY_HOST; default "+defaultHost+")")
	f.StringVar(&o.secretKey, "secret-key", "", "the server's secret key (env FERRY_SECRET_KEY)")
}

// authorize sets the secret key on a request to the server.
func (o serverOptions) authorize(req *http.Request) {
	if o.secretKey != "" {
		req.Header.Set("Authorization", "Bearer "+o.secretKey)
	}
}

// serverMessage renders an error answer of the server: its message and
// code, else the body as text.
func serverMessage(body []byte) string {
	var e struct {
		Error struct{ Code, Message string }
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return e.Error.Message + " (" + e.Error.Code + ")"
	}
	return strings.TrimSpace(string(body))
}

// deployOptions are the flags of ferry deploy.
type deployOptions struct {
	serverOptions
}

func newDeployCommand() *cobra.Command {
	var o deployOptions
	cmd := &cobra.Command{
		Use:   "deploy [path]",
		Short: "Compile functions and deploy them to a ferry server",
		Long: `Compile functions as ferry compile does and upload each bundle to the
server (POST /functions), which validates it, stores it as a new version
and activates it. Without a path, the current directory.

The server and its secret key come from --host and --secret-key, else
FERRY_HOST and FERRY_SECRET_KEY, else a .env file in the integrations
folder (the path), else ` + defaultHost + ` (no key).

One line per function; any failure (compiling or deploying) makes the
command fail with the server's message.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			return deploy(cmd, path, o)
		},
	}
	o.addFlags(cmd)
	return cmd
}

// resolve fills the options from the environment and the .env file in
// dir, in that order, for what the flags left empty.
func (o *serverOptions) resolve(dir string) error {
	dotenv, err := readDotEnv(filepath.Join(dir, ".env"))
	if err != nil {
		return err
	}
	pick := func(flag, name, fallback string) string {
		switch {
		case flag != "":
			return flag
		case os.Getenv(name) != "":
			return os.Getenv(name)
		case dotenv[name] != "":
			return dotenv[name]
		}
		return fallback
	}
	o.host = strings.TrimRight(pick(o.host, "FERRY_HOST", defaultHost), "/")
	o.secretKey = pick(o.secretKey, "FERRY_SECRET_KEY", "")
	return nil
}

// readDotEnv reads KEY=VALUE lines (blank lines, # comments, an "export "
// prefix and quoted values allowed); a missing file is empty.
func readDotEnv(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want KEY=VALUE", path, n)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		env[strings.TrimSpace(k)] = v
	}
	return env, sc.Err()
}

func deploy(cmd *cobra.Command, path string, o deployOptions) error {
	dir := path
	if info, err := os.Stat(path); err == nil && !info.IsDir() {
		dir = filepath.Dir(path)
	}
	if err := o.resolve(dir); err != nil {
		return err
	}
	fns, err := findFunctions([]string{path})
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	stdout := cmd.OutOrStdout()
	bar := newProgress(stdout, fns.count(), "deploying")
	client := &http.Client{Timeout: 5 * time.Minute}
	deployed, errs := fns.build(ctx, cmd.ErrOrStderr(), func(fn builtFunction) error {
		line, err := upload(ctx, client, o, fn)
		bar.line(line)
		return err
	})
	bar.finish()
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s deployed to %s\n", plural(deployed, "function"), o.host)
	if failed := fns.count() - deployed; failed > 0 {
		return fmt.Errorf("%d of %s failed to deploy:\n%w", failed, plural(fns.count(), "function"), errors.Join(errs...))
	}
	return nil
}

// upload sends one bundle to POST /functions and returns the line to show.
func upload(ctx context.Context, client *http.Client, o deployOptions, fn builtFunction) (string, error) {
	name := fn.manifest.Integration + "/" + fn.manifest.Name
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.host+"/functions", bytes.NewReader(fn.wasm))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/wasm")
	o.authorize(req)
	res, err := client.Do(req)
	if err != nil {
		err = fmt.Errorf("deploy %s: %w", name, err)
		return "failed " + name + ": " + err.Error(), err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != http.StatusCreated {
		msg := serverMessage(body)
		err := fmt.Errorf("deploy %s (%s): server answered %d: %s", name, fn.source, res.StatusCode, msg)
		return "failed " + name + ": " + msg, err
	}
	var v struct {
		Type    string `json:"type"`
		Version string `json:"version"`
		Deploy  uint64 `json:"deploy"`
		Hash    string `json:"hash"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return "", fmt.Errorf("deploy %s: the server's answer: %w", name, err)
	}
	return fmt.Sprintf("deployed %s (%s) version %s, deploy %d", name, v.Type, v.Version, v.Deploy), nil
}
