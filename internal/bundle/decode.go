package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// Decode reads one bundle from r strictly: the input must be a single JSON object whose
// field names are exactly those of the format (unknown or differently cased fields are
// errors) and whose values have the right JSON types; its format and version must be
// FormatName and FormatVersion; and it must pass Validate. Problems in the content are
// returned together as ValidationErrors, each with its JSON path; input that is not
// JSON gives a *SyntaxError with the line and column.
func Decode(r io.Reader) (*Bundle, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	raw, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, ValidationErrors{{Message: "a bundle must be a JSON object, got " + jsonKind(raw)}}
	}
	if errs := checkHeader(obj); len(errs) > 0 {
		return nil, errs
	}
	var errs ValidationErrors
	checkShape(reflect.TypeFor[Bundle](), raw, "", &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	var b Bundle
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		// checkShape has already vetted every field and type, so this is not expected.
		return nil, fmt.Errorf("decode bundle: %w", err)
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	return &b, nil
}

// parseJSON parses exactly one JSON value, numbers kept as json.Number.
func parseJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, syntaxError(data, err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		rest := data[end:]
		end += int64(len(rest) - len(bytes.TrimLeft(rest, " \t\r\n")))
		return nil, newSyntaxError(data, end, "data after the bundle's object")
	}
	if err := duplicateKeys(data); err != nil {
		return nil, err
	}
	return raw, nil
}

// duplicateKeys returns a SyntaxError at the first key that an object repeats.
// encoding/json keeps the last value of a repeated key without a word, so a bundle whose
// author wrote a field twice would import what they did not read last.
func duplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object bool
		keys   map[string]bool
		isKey  bool // the next string token is a key
	}
	var stack []*frame
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return syntaxError(data, err) // not expected: the data parsed once already
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				if top != nil && top.object {
					top.isKey = true
				}
				stack = append(stack, &frame{object: true, keys: map[string]bool{}, isKey: true})
			case '[':
				if top != nil && top.object {
					top.isKey = true
				}
				stack = append(stack, &frame{})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		case string:
			if top != nil && top.object && top.isKey {
				if top.keys[t] {
					rest := data[before:]
					at := before + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n,")))
					return newSyntaxError(data, at, fmt.Sprintf("the key %q appears twice in one object", t))
				}
				top.keys[t] = true
				top.isKey = false
				continue
			}
		}
		if top != nil && top.object {
			top.isKey = true
		}
	}
}

// SyntaxError is a bundle that is not one well-formed JSON value, with where the problem
// is. Decode returns it for input that is empty, cut short, not JSON, or followed by
// more data.
type SyntaxError struct {
	// Offset is the offset in bytes of the problem (from 0; the length of the input for
	// an input cut short); Line and Column (from 1, the column in bytes) say where that
	// is.
	Offset       int64
	Line, Column int
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("bundle is not valid JSON: line %d, column %d (byte %d): %s", e.Line, e.Column, e.Offset, e.Reason)
}

func newSyntaxError(data []byte, offset int64, reason string) *SyntaxError {
	line, col := position(data, offset)
	return &SyntaxError{Offset: offset, Line: line, Column: col, Reason: reason}
}

// syntaxError turns an error of encoding/json's decoder into a SyntaxError.
func syntaxError(data []byte, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// encoding/json counts the offending byte as read.
		return newSyntaxError(data, max(se.Offset-1, 0), se.Error())
	case errors.Is(err, io.EOF) && len(bytes.TrimSpace(data)) == 0:
		return newSyntaxError(data, int64(len(data)), "the bundle is empty")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return newSyntaxError(data, int64(len(data)), "unexpected end of input")
	}
	return newSyntaxError(data, 0, err.Error())
}

// position turns a byte offset into a line and a column, both from 1: those of the byte
// at offset.
func position(data []byte, offset int64) (line, col int) {
	before := data[:min(int(offset), len(data))]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// checkHeader checks the format name and version before anything else, so that a file
// that is not a bundle at all gives one clear error instead of a list of unknown fields.
func checkHeader(obj map[string]any) ValidationErrors {
	var errs ValidationErrors
	if f, _ := obj["format"].(string); f != FormatName {
		errs.add("format", "must be %q, got %s", FormatName, describe(obj["format"]))
		return errs
	}
	if v, _ := obj["version"].(json.Number); v.String() != fmt.Sprint(FormatVersion) {
		errs.add("version", "unsupported version %s: this program reads version %d", describe(obj["version"]), FormatVersion)
	}
	return errs
}

// checkShape checks a parsed JSON value against the Go type it will be decoded into:
// every object field must exist (matched exactly, not case-insensitively as
// encoding/json would) and every value must have the JSON type the field needs. JSON
// null is accepted anywhere and means "not given".
func checkShape(t reflect.Type, v any, path string, errs *ValidationErrors) {
	if v == nil {
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		checkShape(t.Elem(), v, path, errs)
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			errs.add(path, "must be an object, got %s", jsonKind(v))
			return
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fp := joinPath(path, k)
			ft, ok := fields[k]
			if !ok {
				errs.add(fp, "unknown field")
				continue
			}
			checkShape(ft, obj[k], fp, errs)
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			errs.add(path, "must be an array, got %s", jsonKind(v))
			return
		}
		for i, e := range arr {
			checkShape(t.Elem(), e, fmt.Sprintf("%s[%d]", path, i), errs)
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			errs.add(path, "must be a string, got %s", jsonKind(v))
		}
	case reflect.Int:
		n, ok := v.(json.Number)
		if !ok {
			errs.add(path, "must be an integer, got %s", jsonKind(v))
		} else if _, err := n.Int64(); err != nil {
			errs.add(path, "must be an integer, got %s", n)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			errs.add(path, "must be true or false, got %s", jsonKind(v))
		}
	default:
		errs.add(path, "cannot be decoded (unsupported type %s)", t)
	}
}

// jsonFields maps the JSON names of a struct's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := make(map[string]reflect.Type, t.NumField())
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}

func joinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// jsonKind names the JSON type of a parsed value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// describe shows a parsed scalar for an error message, or names its JSON type.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "nothing"
	case string:
		return fmt.Sprintf("%q", v)
	case json.Number:
		return v.String()
	}
	return jsonKind(v)
}
