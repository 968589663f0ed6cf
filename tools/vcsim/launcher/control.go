package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// controlHandler serves the test-control API under /_gantry/ (JSON in and out).
func (l *launcher) controlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/_gantry/counts", only(http.MethodGet, func(*http.Request) (any, error) {
		return l.counts.snapshot(), nil
	}))
	mux.HandleFunc("/_gantry/counts/reset", only(http.MethodPost, func(*http.Request) (any, error) {
		l.counts.reset()
		return map[string]bool{"ok": true}, nil
	}))
	mux.HandleFunc("/_gantry/settings", l.handleSettings)
	l.registerControlExtras(mux)
	return mux
}

type settingsOut struct {
	GuestBootDelayMs     int64            `json:"guestBootDelayMs"`
	GuestLinkLocalMs     int64            `json:"guestLinkLocalMs"`
	GuestShutdownDelayMs int64            `json:"guestShutdownDelayMs"`
	TaskDelays           map[string]int64 `json:"taskDelays"`
}

type settingsBody struct {
	GuestBootDelayMs     *int64           `json:"guestBootDelayMs,omitempty"`
	GuestLinkLocalMs     *int64           `json:"guestLinkLocalMs,omitempty"`
	GuestShutdownDelayMs *int64           `json:"guestShutdownDelayMs,omitempty"`
	TaskDelays           map[string]int64 `json:"taskDelays,omitempty"`
}

func (l *launcher) handleSettings(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		var body settingsBody
		if err := decodeJSON(r, &body); err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody(err))
			return
		}
		if err := l.applySettings(body); err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody(err))
			return
		}
	default:
		writeJSON(w, http.StatusMethodNotAllowed, errorBody(fmt.Errorf("%s not allowed", r.Method)))
		return
	}
	now := l.settings.snapshot()
	out := settingsOut{
		GuestBootDelayMs:     now.guestBootDelay.Milliseconds(),
		GuestLinkLocalMs:     now.guestLinkLocal.Milliseconds(),
		GuestShutdownDelayMs: now.guestShutdown.Milliseconds(),
		TaskDelays:           map[string]int64{},
	}
	for method, d := range now.taskDelays {
		out.TaskDelays[method] = d.Milliseconds()
	}
	writeJSON(w, http.StatusOK, out)
}

func (l *launcher) applySettings(body settingsBody) error {
	if body.GuestBootDelayMs != nil {
		if *body.GuestBootDelayMs < 0 {
			return fmt.Errorf("guestBootDelayMs must not be negative")
		}
		l.settings.setBootDelay(time.Duration(*body.GuestBootDelayMs) * time.Millisecond)
	}
	if body.GuestLinkLocalMs != nil {
		if *body.GuestLinkLocalMs < 0 {
			return fmt.Errorf("guestLinkLocalMs must not be negative")
		}
		l.settings.setLinkLocalPhase(time.Duration(*body.GuestLinkLocalMs) * time.Millisecond)
	}
	if body.GuestShutdownDelayMs != nil {
		if *body.GuestShutdownDelayMs < 0 {
			return fmt.Errorf("guestShutdownDelayMs must not be negative")
		}
		l.settings.setShutdownDelay(time.Duration(*body.GuestShutdownDelayMs) * time.Millisecond)
	}
	if body.TaskDelays != nil {
		delays := make(map[string]time.Duration, len(body.TaskDelays))
		for method, ms := range body.TaskDelays {
			if ms < 0 {
				return fmt.Errorf("taskDelays[%s] must not be negative", method)
			}
			delays[method] = time.Duration(ms) * time.Millisecond
		}
		l.settings.setTaskDelays(delays)
	}
	return nil
}

// only answers one HTTP method with f's result as JSON.
func only(method string, f func(*http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			writeJSON(w, http.StatusMethodNotAllowed, errorBody(fmt.Errorf("%s not allowed", r.Method)))
			return
		}
		out, err := f(r)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody(err))
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

func decodeJSON(r *http.Request, into any) error {
	decoder := json.NewDecoder(r.Body)
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(into); err != nil {
		return fmt.Errorf("bad JSON body: %w", err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func errorBody(err error) map[string]string {
	return map[string]string{"error": err.Error()}
}
