// helm-render renders a Helm chart's templates offline, the way `helm template` does, from
// Debian 12's Go packages (text/template + sprig v3 + Helm's own template functions). It exists
// because no helm binary is packaged for these machines; see README.md beside this file for the
// usage and for what differs from real Helm (no subcharts, no .helmignore, no cluster lookups).
package main

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/BurntSushi/toml"
	"github.com/Masterminds/semver/v3"
	"github.com/Masterminds/sprig/v3"
	"github.com/gobwas/glob"
	"github.com/xeipuuv/gojsonschema"
	yaml3 "gopkg.in/yaml.v3"
	"sigs.k8s.io/yaml"
)

type values = map[string]interface{}

// Chart mirrors the Chart.yaml fields templates read through .Chart (Helm's field names).
type Chart struct {
	APIVersion  string            `json:"apiVersion"`
	Name        string            `json:"name"`
	Version     string            `json:"version"`
	AppVersion  string            `json:"appVersion,omitempty"`
	Description string            `json:"description,omitempty"`
	Type        string            `json:"type,omitempty"`
	KubeVersion string            `json:"kubeVersion,omitempty"`
	Home        string            `json:"home,omitempty"`
	Icon        string            `json:"icon,omitempty"`
	Keywords    []string          `json:"keywords,omitempty"`
	Sources     []string          `json:"sources,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Deprecated  bool              `json:"deprecated,omitempty"`
}

// KubeVersion and APIVersions are what .Capabilities offers (Helm's defaults unless overridden).
type KubeVersion struct{ Version, Major, Minor, GitVersion string }

func (k KubeVersion) String() string { return k.Version }

type APIVersions []string

func (a APIVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

var defaultAPIVersions = APIVersions{"v1", "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1",
	"apiregistration.k8s.io/v1", "apps/v1", "authentication.k8s.io/v1", "authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2",
	"batch/v1", "certificates.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "events.k8s.io/v1",
	"flowcontrol.apiserver.k8s.io/v1", "networking.k8s.io/v1", "node.k8s.io/v1", "policy/v1", "rbac.authorization.k8s.io/v1",
	"resource.k8s.io/v1", "scheduling.k8s.io/v1", "storage.k8s.io/v1"}

// Files gives templates read access to the chart's non-template files, like Helm's .Files.
type Files map[string][]byte

func (f Files) GetBytes(name string) []byte { return f[name] }
func (f Files) Get(name string) string      { return string(f[name]) }
func (f Files) Lines(name string) []string {
	if f[name] == nil {
		return []string{}
	}
	return strings.Split(strings.TrimRight(string(f[name]), "\n"), "\n")
}
func (f Files) Glob(pattern string) Files {
	g, err := glob.Compile(pattern, '/')
	if err != nil {
		g, _ = glob.Compile("**")
	}
	out := Files{}
	for name, data := range f {
		if g.Match(name) {
			out[name] = data
		}
	}
	return out
}
func (f Files) AsConfig() string  { return f.asMap(func(b []byte) string { return string(b) }) }
func (f Files) AsSecrets() string { return f.asMap(func(b []byte) string { return encodeBase64(b) }) }
func (f Files) asMap(enc func([]byte) string) string {
	if len(f) == 0 {
		return ""
	}
	m := map[string]string{}
	for name, data := range f {
		m[path.Base(name)] = enc(data)
	}
	return toYAML(m)
}

func encodeBase64(b []byte) string {
	return sprig.TxtFuncMap()["b64enc"].(func(interface{}) string)(string(b))
}

const errStart, errEnd = "HELM_ERR_START", "HELM_ERR_END"

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(s string) values {
	m := values{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

// funcMap is sprig's text FuncMap minus env/expandenv plus Helm's additions; include, tpl,
// required and fail are bound per render in newEngine.
func funcMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	extra := template.FuncMap{
		"toYaml": toYAML, "fromYaml": fromYAML,
		"mustToYaml": func(v interface{}) (string, error) {
			d, err := yaml.Marshal(v)
			return strings.TrimSuffix(string(d), "\n"), err
		},
		"toYamlPretty": func(v interface{}) string {
			var b bytes.Buffer
			e := yaml3.NewEncoder(&b)
			e.SetIndent(2)
			if err := e.Encode(v); err != nil {
				return ""
			}
			return strings.TrimSuffix(b.String(), "\n")
		},
		"fromYamlArray": func(s string) []interface{} {
			a := []interface{}{}
			if err := yaml.Unmarshal([]byte(s), &a); err != nil {
				a = []interface{}{err.Error()}
			}
			return a
		},
		"toJson":     func(v interface{}) string { d, _ := json.Marshal(v); return string(d) },
		"mustToJson": func(v interface{}) (string, error) { d, err := json.Marshal(v); return string(d), err },
		"fromJson": func(s string) values {
			m := values{}
			if err := json.Unmarshal([]byte(s), &m); err != nil {
				m["Error"] = err.Error()
			}
			return m
		},
		"fromJsonArray": func(s string) []interface{} {
			a := []interface{}{}
			if err := json.Unmarshal([]byte(s), &a); err != nil {
				a = []interface{}{err.Error()}
			}
			return a
		},
		"toToml": func(v interface{}) string {
			var b bytes.Buffer
			if err := toml.NewEncoder(&b).Encode(v); err != nil {
				return err.Error()
			}
			return b.String()
		},
		"fromToml": func(s string) values {
			m := values{}
			if _, err := toml.Decode(s, &m); err != nil {
				m["Error"] = err.Error()
			}
			return m
		},
		"sha512sum": func(s string) string { h := sha512.Sum512([]byte(s)); return hex.EncodeToString(h[:]) },
		"lookup":    func(string, string, string, string) (values, error) { return values{}, nil },
		"include":   func(string, interface{}) string { return "not implemented" },
		"tpl":       func(string, interface{}) interface{} { return "not implemented" },
		"required":  func(string, interface{}) (interface{}, error) { return "not implemented", nil },
		"fail":      func(string) (string, error) { return "", nil },
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// bindFuncs late-binds the functions that need the template set itself, as Helm's engine does.
func bindFuncs(t *template.Template, strict bool, depth map[string]int) {
	t.Funcs(template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			if depth[name] > 1000 {
				return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
			}
			depth[name]++
			defer func() { depth[name]-- }()
			var buf strings.Builder
			err := t.ExecuteTemplate(&buf, name, data) // text/template adds "error calling include"
			return buf.String(), err
		},
		"tpl": func(text string, vals values) (string, error) {
			c, err := t.Clone()
			if err != nil {
				return "", fmt.Errorf("cannot clone template: %w", err)
			}
			bindFuncs(c, strict, depth)
			name := "gotpl"
			if tmpl, ok := vals["Template"].(values); ok {
				name, _ = tmpl["Name"].(string)
			}
			if c, err = c.New(name).Parse(text); err != nil {
				return "", fmt.Errorf("cannot parse template %q: %w", text, err)
			}
			var buf strings.Builder
			if err := c.Execute(&buf, vals); err != nil {
				return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
			}
			return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
		},
		"required": func(msg string, v interface{}) (interface{}, error) {
			if s, isString := v.(string); v == nil || (isString && s == "") {
				return v, errors.New(errStart + msg + errEnd)
			}
			return v, nil
		},
		"fail": func(msg string) (string, error) { return "", errors.New(errStart + msg + errEnd) },
	})
	if strict {
		t.Option("missingkey=error")
	} else {
		t.Option("missingkey=zero")
	}
}

// execError reduces a required/fail error chain to Helm's "execution error at (file:L:C): msg";
// other execution errors pass through unchanged, as in Helm's engine.
func execError(file string, err error) error {
	var ee template.ExecError
	if !errors.As(err, &ee) {
		return err
	}
	tokens := strings.SplitN(err.Error(), ": ", 3)
	if len(tokens) != 3 {
		return fmt.Errorf("execution error in (%s): %s", file, err)
	}
	if m := helmErr.FindStringSubmatch(tokens[2]); m != nil {
		return fmt.Errorf("execution error at (%s): %s", tokens[1], m[1])
	}
	return err
}

var helmErr = regexp.MustCompile(errStart + `((?s).*)` + errEnd)

var parseLoc = regexp.MustCompile(`^template: (.*?): (.*)$`)

func parseError(err error) error {
	if m := parseLoc.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("parse error at (%s): %s", m[1], m[2])
	}
	return err
}

// coalesce fills user values with chart defaults; a user null deletes the default (Helm's rule).
func coalesce(user, defaults values) values {
	for k, dv := range defaults {
		uv, present := user[k]
		switch {
		case !present:
			user[k] = dv
		case uv == nil:
			delete(user, k)
		default:
			um, uok := uv.(values)
			dm, dok := dv.(values)
			if uok && dok {
				coalesce(um, dm)
			}
		}
	}
	return user
}

// merge overlays src onto dst recursively (later -f files win), keeping nulls for coalesce.
func merge(dst, src values) values {
	for k, sv := range src {
		if sm, ok := sv.(values); ok {
			if dm, ok := dst[k].(values); ok {
				dst[k] = merge(dm, sm)
				continue
			}
		}
		dst[k] = sv
	}
	return dst
}

// splitUnescaped splits on sep outside {...} lists and not preceded by a backslash.
func splitUnescaped(s string, sep rune) []string {
	var parts []string
	var cur strings.Builder
	depth, escaped := 0, false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
			continue
		case r == '\\':
			escaped = true
		case r == '{':
			depth++
		case r == '}':
			depth--
		case r == sep && depth == 0:
			parts = append(parts, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	return append(parts, cur.String())
}

var indexed = regexp.MustCompile(`^(.*)\[(\d+)\]$`)

func typed(s string, asString bool) interface{} {
	if asString {
		return s
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	case "0":
		return int64(0)
	}
	if len(s) > 0 && s[0] != '0' {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	}
	return s
}

// applySet implements --set/--set-string: a.b=c, a=b,c=d, lists {x,y}, a[0].b=c, \. and \, escapes.
func applySet(dst values, expr string, asString bool) error {
	for _, pair := range splitUnescaped(expr, ',') {
		kv := strings.SplitN(pair, "=", 2)
		if len(kv) != 2 {
			return fmt.Errorf("failed parsing --set data: key %q has no value", pair)
		}
		var val interface{}
		if raw := kv[1]; len(raw) > 1 && raw[0] == '{' && raw[len(raw)-1] == '}' {
			list := []interface{}{}
			for _, item := range splitUnescaped(raw[1:len(raw)-1], ',') {
				list = append(list, typed(unescape(item), asString))
			}
			val = list
		} else {
			val = typed(unescape(raw), asString)
		}
		setPath(dst, splitUnescaped(kv[0], '.'), val)
	}
	return nil
}

func unescape(s string) string {
	return strings.NewReplacer(`\,`, ",", `\.`, ".", `\\`, `\`).Replace(s)
}

func setPath(m values, keys []string, val interface{}) {
	key := unescape(keys[0])
	if g := indexed.FindStringSubmatch(key); g != nil {
		list, _ := m[g[1]].([]interface{})
		i, _ := strconv.Atoi(g[2])
		for len(list) <= i {
			list = append(list, nil)
		}
		if len(keys) == 1 {
			list[i] = val
		} else {
			child, ok := list[i].(values)
			if !ok {
				child = values{}
			}
			setPath(child, keys[1:], val)
			list[i] = child
		}
		m[g[1]] = list
		return
	}
	if len(keys) == 1 {
		m[key] = val
		return
	}
	child, ok := m[key].(values)
	if !ok {
		child = values{}
		m[key] = child
	}
	setPath(child, keys[1:], val)
}

func validateSchema(chartName string, schema []byte, vals values) error {
	data, err := yaml.Marshal(vals)
	if err != nil {
		return err
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return err
	}
	result, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(js))
	if err != nil {
		return fmt.Errorf("%s: invalid values.schema.json: %w", chartName, err)
	}
	if result.Valid() {
		return nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n", chartName)
	// gojsonschema walks properties in Go map order, so Helm's own list comes out in a random
	// order; sorted here so the message (and the test asserting it) is stable.
	lines := make([]string, 0, len(result.Errors()))
	for _, e := range result.Errors() {
		lines = append(lines, fmt.Sprintf("- %s\n", e))
	}
	sort.Strings(lines)
	for _, line := range lines {
		sb.WriteString(line)
	}
	return errors.New(strings.TrimSuffix(sb.String(), "\n"))
}

// installOrder is Helm's InstallOrder; unknown kinds sort last, alphabetically.
var installOrder = strings.Fields(`PriorityClass Namespace NetworkPolicy ResourceQuota LimitRange PodSecurityPolicy
	PodDisruptionBudget ServiceAccount Secret SecretList ConfigMap StorageClass PersistentVolume PersistentVolumeClaim
	CustomResourceDefinition ClusterRole ClusterRoleList ClusterRoleBinding ClusterRoleBindingList Role RoleList RoleBinding
	RoleBindingList Service DaemonSet Pod ReplicationController ReplicaSet Deployment HorizontalPodAutoscaler StatefulSet Job
	CronJob IngressClass Ingress APIService MutatingWebhookConfiguration ValidatingWebhookConfiguration`)

type manifest struct {
	source, content, kind string
	hook                  []string
}

func kindLess(a, b string) bool {
	rank := func(k string) int {
		for i, x := range installOrder {
			if x == k {
				return i
			}
		}
		return -1
	}
	ra, rb := rank(a), rank(b)
	switch {
	case ra < 0 && rb < 0:
		return a < b
	case ra < 0:
		return false
	case rb < 0:
		return true
	}
	return ra < rb
}

var docSep = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

// splitManifests turns rendered files into documents: files by name, documents in file order,
// partials/NOTES/empty skipped, then a stable sort by kind; hooks are returned separately.
func splitManifests(rendered map[string]string) (generic, hooks []manifest, err error) {
	names := make([]string, 0, len(rendered))
	for n := range rendered {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") || strings.HasSuffix(name, "NOTES.txt") || strings.TrimSpace(rendered[name]) == "" {
			continue
		}
		for _, doc := range docSep.Split(strings.TrimSpace(rendered[name]), -1) {
			if doc == "" {
				continue
			}
			doc = strings.TrimSpace(doc)
			var head struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Annotations map[string]string `json:"annotations"`
				} `json:"metadata"`
			}
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return nil, nil, fmt.Errorf("YAML parse error on %s: %w", name, err)
			}
			m := manifest{source: name, content: doc, kind: head.Kind}
			if h, ok := head.Metadata.Annotations["helm.sh/hook"]; ok {
				for _, e := range strings.Split(h, ",") {
					m.hook = append(m.hook, strings.TrimSpace(e))
				}
				hooks = append(hooks, m)
			} else {
				generic = append(generic, m)
			}
		}
	}
	for _, list := range [][]manifest{generic, hooks} {
		sort.SliceStable(list, func(i, j int) bool { return kindLess(list[i].kind, list[j].kind) })
	}
	return generic, hooks, nil
}

type options struct {
	release, chartDir, namespace, kubeVersion string
	valueFiles, sets, setStrings, showOnly    []string
	apiVersions                               APIVersions
	strict, noHooks, skipTests                bool
}

func parseArgs(args []string) (options, error) {
	o := options{release: "release-name", namespace: "default", kubeVersion: "v1.36.0", apiVersions: defaultAPIVersions}
	var positional []string
	takes := map[string]*[]string{"-f": &o.valueFiles, "--values": &o.valueFiles, "--set": &o.sets,
		"--set-string": &o.setStrings, "-s": &o.showOnly, "--show-only": &o.showOnly, "-a": (*[]string)(&o.apiVersions), "--api-versions": (*[]string)(&o.apiVersions)}
	for i := 0; i < len(args); i++ {
		a, val := args[i], ""
		if eq := strings.Index(a, "="); strings.HasPrefix(a, "--") && eq > 0 {
			a, val = a[:eq], a[eq+1:]
		} else if _, ok := takes[a]; ok || a == "-n" || a == "--namespace" || a == "--kube-version" {
			if i+1 >= len(args) {
				return o, fmt.Errorf("flag needs an argument: %s", a)
			}
			i++
			val = args[i]
		}
		switch {
		case takes[a] != nil:
			*takes[a] = append(*takes[a], val)
		case a == "-n" || a == "--namespace":
			o.namespace = val
		case a == "--kube-version":
			o.kubeVersion = val
		case a == "--strict":
			o.strict = true
		case a == "--no-hooks":
			o.noHooks = true
		case a == "--skip-tests":
			o.skipTests = true
		case strings.HasPrefix(a, "-"):
			return o, fmt.Errorf("unknown flag: %s", a)
		default:
			positional = append(positional, a)
		}
	}
	switch len(positional) {
	case 1:
		o.chartDir = positional[0]
	case 2:
		o.release, o.chartDir = positional[0], positional[1]
	default:
		return o, errors.New("usage: helm-render [NAME] CHART_DIR [-f values.yaml]... [--set k=v]... [--set-string k=v]... [-n ns] [--kube-version v] [-a group/version]... [-s templates/x.yaml]... [--strict] [--no-hooks] [--skip-tests]")
	}
	return o, nil
}

// loadChart reads Chart.yaml, values.yaml, the schema, templates/ and the other files.
func loadChart(dir string) (chart Chart, defaults values, schema []byte, templates map[string]string, files Files, err error) {
	meta, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return chart, nil, nil, nil, nil, fmt.Errorf("Chart.yaml file is missing: %w", err)
	}
	if err = yaml.Unmarshal(meta, &chart); err != nil {
		return chart, nil, nil, nil, nil, fmt.Errorf("cannot load Chart.yaml: %w", err)
	}
	if chart.APIVersion != "v1" && chart.APIVersion != "v2" || chart.Name == "" {
		return chart, nil, nil, nil, nil, errors.New("validation: chart.metadata.apiVersion (v1|v2) and name are required")
	}
	if _, err = semver.StrictNewVersion(chart.Version); err != nil {
		return chart, nil, nil, nil, nil, fmt.Errorf("validation: chart.metadata.version %q is invalid", chart.Version)
	}
	defaults = values{}
	if data, rerr := os.ReadFile(filepath.Join(dir, "values.yaml")); rerr == nil {
		if err = yaml.Unmarshal(data, &defaults); err != nil {
			return chart, nil, nil, nil, nil, fmt.Errorf("failed to parse %s/values.yaml: %w", dir, err)
		}
	}
	schema, _ = os.ReadFile(filepath.Join(dir, "values.schema.json"))
	templates, files = map[string]string{}, Files{}
	err = filepath.Walk(dir, func(p string, info os.FileInfo, werr error) error {
		if werr != nil || info.IsDir() {
			if werr == nil && info.Name() == "charts" && p != dir {
				fmt.Fprintln(os.Stderr, "WARNING: subcharts under charts/ are not supported and were skipped")
				return filepath.SkipDir
			}
			return werr
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		data, rerr := os.ReadFile(p)
		if rerr != nil {
			return rerr
		}
		switch {
		case strings.HasPrefix(rel, "templates/"):
			if !strings.HasPrefix(path.Base(rel), ".") {
				templates[chart.Name+"/"+rel] = string(data)
			}
		case rel != "Chart.yaml" && rel != "values.yaml" && rel != "values.schema.json":
			files[rel] = data
		}
		return nil
	})
	return chart, defaults, schema, templates, files, err
}

func render(o options) (string, error) {
	chart, defaults, schema, templates, files, err := loadChart(o.chartDir)
	if err != nil {
		return "", err
	}
	kv, err := semver.NewVersion(o.kubeVersion)
	if err != nil {
		return "", fmt.Errorf("invalid kube version %q: %w", o.kubeVersion, err)
	}
	if chart.KubeVersion != "" {
		if c, cerr := semver.NewConstraint(chart.KubeVersion); cerr != nil || !c.Check(kv) {
			return "", fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes v%s", chart.KubeVersion, kv)
		}
	}
	user := values{}
	for _, f := range o.valueFiles {
		data, rerr := os.ReadFile(f)
		if rerr != nil {
			return "", rerr
		}
		v := values{}
		if err = yaml.Unmarshal(data, &v); err != nil {
			return "", fmt.Errorf("failed to parse %s: %w", f, err)
		}
		merge(user, v)
	}
	for _, s := range o.sets {
		if err = applySet(user, s, false); err != nil {
			return "", err
		}
	}
	for _, s := range o.setStrings {
		if err = applySet(user, s, true); err != nil {
			return "", err
		}
	}
	vals := coalesce(user, defaults)
	if len(schema) > 0 {
		if err = validateSchema(chart.Name, schema, vals); err != nil {
			return "", err
		}
	}
	top := values{
		"Values":  vals,
		"Chart":   chart,
		"Files":   files,
		"Release": values{"Name": o.release, "Namespace": o.namespace, "IsInstall": true, "IsUpgrade": false, "Revision": 1, "Service": "Helm"},
		"Capabilities": values{
			"KubeVersion": KubeVersion{Version: "v" + kv.String(), Major: strconv.FormatUint(kv.Major(), 10), Minor: strconv.FormatUint(kv.Minor(), 10), GitVersion: "v" + kv.String()},
			"APIVersions": o.apiVersions,
			"HelmVersion": values{"Version": "v3.21.4", "GitCommit": "", "GitTreeState": "clean", "GoVersion": "go1.19"},
		},
	}
	names := make([]string, 0, len(templates))
	for n := range templates {
		names = append(names, n)
	}
	// Helm parses deeper paths first, then names in reverse order.
	sort.Slice(names, func(i, j int) bool {
		ci, cj := strings.Count(names[i], "/"), strings.Count(names[j], "/")
		if ci == cj {
			return names[i] > names[j]
		}
		return ci > cj
	})
	t := template.New("gotpl").Funcs(funcMap())
	bindFuncs(t, o.strict, map[string]int{})
	for _, n := range names {
		if _, err = t.New(n).Parse(templates[n]); err != nil {
			return "", parseError(err)
		}
	}
	rendered := map[string]string{}
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			continue
		}
		scope := values{}
		for k, v := range top {
			scope[k] = v
		}
		scope["Template"] = values{"Name": n, "BasePath": chart.Name + "/templates"}
		var buf strings.Builder
		if err = t.ExecuteTemplate(&buf, n, scope); err != nil {
			return "", execError(n, err)
		}
		rendered[n] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	generic, hooks, err := splitManifests(rendered)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	for _, m := range generic {
		if shown(o, chart.Name, m.source) {
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", m.source, m.content)
		}
	}
	for _, m := range hooks {
		isTest := len(m.hook) > 0 && (m.hook[0] == "test" || m.hook[0] == "test-success")
		if !o.noHooks && !(o.skipTests && isTest) && shown(o, chart.Name, m.source) {
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", m.source, m.content)
		}
	}
	if len(o.showOnly) > 0 && out.Len() == 0 {
		return "", fmt.Errorf("could not find template %s in chart", strings.Join(o.showOnly, ", "))
	}
	return out.String(), nil
}

func shown(o options, chartName, source string) bool {
	if len(o.showOnly) == 0 {
		return true
	}
	for _, s := range o.showOnly {
		if ok, _ := filepath.Match(chartName+"/"+filepath.ToSlash(s), source); ok {
			return true
		}
	}
	return false
}

func main() {
	o, err := parseArgs(os.Args[1:])
	if err == nil {
		var out string
		if out, err = render(o); err == nil {
			fmt.Print(out)
			return
		}
	}
	fmt.Fprintf(os.Stderr, "Error: %s\n", err)
	os.Exit(1)
}
