package main

import (
	"reflect"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

var vimTypes = types.TypeFunc()

// typeFunc resolves vim25 type names like the library's private one does,
// including prefixed names such as "ns1:TraversalSpec".
func typeFunc(name string) (reflect.Type, bool) {
	if t, ok := vimTypes(name); ok {
		return t, true
	}
	if i := strings.IndexByte(name, ':'); i >= 0 {
		return vimTypes(name[i+1:])
	}
	return nil, false
}

// decodeCall parses a SOAP request into the library's typed request body.
func decodeCall(body []byte) (*simulator.Method, error) {
	return simulator.UnmarshalBody(typeFunc, body)
}
