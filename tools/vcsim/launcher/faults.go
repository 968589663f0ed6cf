package main

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// fault kinds that are not vim faults
const (
	faultHTTP500 = "http500"
	faultDrop    = "drop"
	faultHang    = "hang"
)

// faultRule fails the next Remaining calls of Method whose body, or the name
// of the entity the call acts on, contains Match.
type faultRule struct {
	ID        int    `json:"id"`
	Method    string `json:"method"`
	Match     string `json:"match,omitempty"`
	Fault     string `json:"fault"`
	Remaining int    `json:"remaining"`
}

type faultRules struct {
	mu     sync.Mutex
	rules  []*faultRule
	nextID int
}

func newFaultRules() *faultRules {
	return &faultRules{nextID: 1}
}

func (f *faultRules) add(method, match, fault string, count int) (faultRule, error) {
	if method == "" {
		return faultRule{}, fmt.Errorf("method is required")
	}
	if count < 1 {
		return faultRule{}, fmt.Errorf("count must be at least 1")
	}
	if fault != faultHTTP500 && fault != faultDrop && fault != faultHang {
		if _, err := newVimFault(fault); err != nil {
			return faultRule{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	rule := &faultRule{ID: f.nextID, Method: method, Match: match, Fault: fault, Remaining: count}
	f.nextID++
	f.rules = append(f.rules, rule)
	return *rule, nil
}

// take consumes one use of the first rule matching this call, if any.
func (f *faultRules) take(method string, body []byte) (faultRule, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	subject, resolved := "", false
	matches := func(match string) bool {
		if match == "" || bytes.Contains(body, []byte(match)) {
			return true
		}
		if !resolved {
			subject, resolved = subjectName(body), true
		}
		return subject != "" && strings.Contains(subject, match)
	}
	for i, rule := range f.rules {
		if rule.Method != method || !matches(rule.Match) {
			continue
		}
		rule.Remaining--
		taken := *rule
		if rule.Remaining <= 0 {
			f.rules = append(f.rules[:i], f.rules[i+1:]...)
		}
		return taken, true
	}
	return faultRule{}, false
}

func (f *faultRules) list() []faultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]faultRule, 0, len(f.rules))
	for _, rule := range f.rules {
		out = append(out, *rule)
	}
	return out
}

func (f *faultRules) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// newVimFault makes a zero-valued vim fault from its type name, e.g. "InvalidLogin".
func newVimFault(name string) (types.BaseMethodFault, error) {
	t, ok := vimTypes(name)
	if ok && t.Kind() == reflect.Struct {
		if fault, ok := reflect.New(t).Interface().(types.BaseMethodFault); ok {
			return fault, nil
		}
	}
	return nil, fmt.Errorf("%q is neither a vim fault type nor %q/%q/%q", name, faultHTTP500, faultDrop, faultHang)
}

// thisPattern finds the call's target, e.g. <_this type="VirtualMachine">vm-42</_this>.
var thisPattern = regexp.MustCompile(`<_this[^>]*\btype="([A-Za-z]+)"[^>]*>([^<]+)</_this>`)

// subjectName is the name of the managed entity a call acts on, or "" when it
// is not an entity: calls such as PowerOnVM_Task or Destroy_Task carry only a
// moref, and this lets a test aim a fault at one VM by name.
func subjectName(body []byte) string {
	m := thisPattern.FindSubmatch(body)
	if m == nil {
		return ""
	}
	ref := types.ManagedObjectReference{Type: string(m[1]), Value: string(m[2])}
	if entity, ok := simulator.Map.Get(ref).(mo.Entity); ok {
		return entity.Entity().Name
	}
	return ""
}
