package main

import (
	"net/http"
)

type faultRequest struct {
	Method string `json:"method"`
	Match  string `json:"match"`
	Fault  string `json:"fault"`
	Count  *int   `json:"count"`
}

// registerControlExtras adds the fault, session and VM endpoints.
func (l *launcher) registerControlExtras(mux *http.ServeMux) {
	mux.HandleFunc("/_gantry/faults", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, http.StatusOK, l.faults.list())
		case http.MethodPost:
			var req faultRequest
			if err := decodeJSON(r, &req); err != nil {
				writeJSON(w, http.StatusBadRequest, errorBody(err))
				return
			}
			count := 1
			if req.Count != nil {
				count = *req.Count
			}
			rule, err := l.faults.add(req.Method, req.Match, req.Fault, count)
			if err != nil {
				writeJSON(w, http.StatusBadRequest, errorBody(err))
				return
			}
			writeJSON(w, http.StatusOK, rule)
		case http.MethodDelete:
			l.faults.clear()
			writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
		default:
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": r.Method + " not allowed"})
		}
	})
	mux.HandleFunc("/_gantry/sessions/drop", only(http.MethodPost, func(*http.Request) (any, error) {
		return map[string]int{"dropped": dropSessions()}, nil
	}))
	mux.HandleFunc("/_gantry/vm", only(http.MethodGet, l.vmInfo))
	mux.HandleFunc("/_gantry/guest", only(http.MethodPost, l.setGuestBehaviour))
}

type guestRequest struct {
	Moref string `json:"moref"`
	Name  string `json:"name"`
	guestBehaviour
}

// setGuestBehaviour answers POST /_gantry/guest {moref|name, ignoresShutdown, ignoresReboot, noTools}.
func (l *launcher) setGuestBehaviour(r *http.Request) (any, error) {
	var req guestRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	vm, err := findVM(req.Moref, req.Name)
	if err != nil {
		return nil, err
	}
	l.guest.setBehaviour(vm, req.guestBehaviour)
	return req.guestBehaviour, nil
}
