package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// vCenter pages RetrievePropertiesEx: with options.maxObjects it answers at
// most that many objects and a token, and ContinueRetrievePropertiesEx(token)
// answers the next page (the last without a token). The library ignores
// maxObjects and answers everything at once, so a client's paging would go
// untested; here the library's full answer is cut into pages of the asked size
// and the rest kept under a token until it is continued.

var (
	maxObjectsRe = regexp.MustCompile(`<maxObjects>\s*(\d+)\s*</maxObjects>`)
	tokenRe      = regexp.MustCompile(`<token>([^<]+)</token>`)
)

type pagedResult struct {
	head, tail string // the envelope around <returnval>…</returnval>, response element renamed per call
	objects    []string
	pageSize   int
}

type pagedResults struct {
	mu   sync.Mutex
	next int
	rest map[string]*pagedResult
}

var pages = &pagedResults{rest: map[string]*pagedResult{}}

// handlePagedRetrieve answers a RetrievePropertiesEx that asks for pages;
// false when it does not (the library answers it as it is).
func (l *launcher) handlePagedRetrieve(call *soapCall) bool {
	m := maxObjectsRe.FindSubmatch(call.body)
	if m == nil {
		return false
	}
	size, err := strconv.Atoi(string(m[1]))
	if err != nil || size <= 0 {
		return false
	}
	rec := httptest.NewRecorder()
	w := call.w
	call.w = rec
	l.forward(call)
	call.w = w
	body := rec.Body.String()
	open, close := strings.Index(body, "<returnval>"), strings.LastIndex(body, "</returnval>")
	if rec.Code != http.StatusOK || open < 0 || close < open {
		copyRecorded(w, rec)
		return true
	}
	result := &pagedResult{
		head:    body[:open],
		tail:    body[close+len("</returnval>"):],
		objects: splitObjects(body[open+len("<returnval>") : close]),
	}
	result.pageSize = size
	writePage(w, result, size, "RetrievePropertiesExResponse")
	return true
}

// handleContinue answers ContinueRetrievePropertiesEx for a token this
// launcher gave; false for any other (the library answers, with its fault).
func (l *launcher) handleContinue(call *soapCall) bool {
	m := tokenRe.FindSubmatch(call.body)
	if m == nil {
		return false
	}
	token := string(m[1])
	pages.mu.Lock()
	result, ok := pages.rest[token]
	delete(pages.rest, token)
	pages.mu.Unlock()
	if !ok {
		return false
	}
	if !l.authenticated(call) {
		return true
	}
	writePage(call.w, result, result.pageSize, "ContinueRetrievePropertiesExResponse")
	return true
}

// writePage answers the first `size` objects, and a token for the rest.
func writePage(w http.ResponseWriter, result *pagedResult, size int, element string) {
	page, rest := result.objects, []string(nil)
	if len(page) > size {
		page, rest = result.objects[:size], result.objects[size:]
	}
	var token string
	if len(rest) > 0 {
		pages.mu.Lock()
		pages.next++
		token = fmt.Sprintf("launcher-page-%d", pages.next)
		pages.rest[token] = &pagedResult{head: result.head, tail: result.tail, objects: rest, pageSize: size}
		pages.mu.Unlock()
	}
	head := renameResponse(result.head, element)
	tail := renameResponse(result.tail, element)
	var out bytes.Buffer
	out.WriteString(head)
	out.WriteString("<returnval>")
	if token != "" {
		out.WriteString("<token>" + token + "</token>")
	}
	for _, o := range page {
		out.WriteString(o)
	}
	out.WriteString("</returnval>")
	out.WriteString(tail)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out.Bytes())
}

// renameResponse names the response element after the method answered.
func renameResponse(s, element string) string {
	for _, from := range []string{"ContinueRetrievePropertiesExResponse", "RetrievePropertiesExResponse"} {
		if strings.Contains(s, from) {
			return strings.ReplaceAll(s, from, element)
		}
	}
	return s
}

// splitObjects cuts a RetrieveResult's content into its <objects> elements
// (an ObjectContent holds no element of that name, so no nesting to track).
func splitObjects(inner string) []string {
	var out []string
	for {
		start := strings.Index(inner, "<objects")
		if start < 0 {
			return out
		}
		end := strings.Index(inner[start:], "</objects>")
		if end < 0 {
			return out
		}
		end += start + len("</objects>")
		out = append(out, inner[start:end])
		inner = inner[end:]
	}
}

func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}
