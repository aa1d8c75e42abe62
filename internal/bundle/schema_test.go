package bundle_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestSeedBundlesMatchTheJSONSchema validates every seed bundle against the committed
// JSON Schema of the format, and checks that the schema refuses what Decode refuses.
func TestSeedBundlesMatchTheJSONSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	schema, err := c.Compile("../../docs/bundle.schema.json")
	if err != nil {
		t.Fatalf("compile the schema: %v", err)
	}
	files, _ := filepath.Glob("../seed/data/*.json")
	if len(files) < 2 {
		t.Fatalf("found %d seed bundles", len(files))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s does not match the schema: %v", filepath.Base(f), err)
		}
	}
	for name, bad := range map[string]string{
		"unknown field": `{"format": "teemaverkko-bundle", "version": 1, "speakers": []}`,
		"bad kind":      `{"format": "teemaverkko-bundle", "version": 1, "documents": [{"key": "a", "title": "A", "kind": "BLOG"}]}`,
		"bad date":      `{"format": "teemaverkko-bundle", "version": 1, "seminars": [{"title": "A", "date": "14.3.2017"}]}`,
		"wrong format":  `{"format": "other", "version": 1}`,
		"wrong version": `{"format": "teemaverkko-bundle", "version": 2}`,
		"bad code":      `{"format": "teemaverkko-bundle", "version": 1, "organizations": [{"name": "A", "kind": "OTHER", "municipality": "91"}]}`,
	} {
		var v any
		if err := json.Unmarshal([]byte(bad), &v); err != nil {
			t.Fatal(err)
		}
		doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(bad)))
		if err := schema.Validate(doc); err == nil {
			t.Errorf("%s: the schema accepts %s", name, bad)
		}
	}
}
