package main

import (
	"context"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// dropSessions ends every client session, as a vCenter restart or an admin
// would; clients then get NotAuthenticated and must log in again. The
// library keeps its session table private: a session-scoped view of the
// SessionManager lists the keys and TerminateSession ends them one by one
// (it stops at the first key that vanished meanwhile, e.g. by idle expiry).
func dropSessions() int {
	manager := simulator.Map.SessionManager()
	view, ok := (&simulator.Session{Registry: simulator.NewRegistry()}).Get(manager.Reference()).(*simulator.SessionManager)
	if !ok {
		return 0
	}
	ctx := &simulator.Context{Context: context.Background(), Map: simulator.Map, Session: launcherSession}
	dropped := 0
	for _, session := range view.SessionList {
		res := manager.TerminateSession(ctx, &types.TerminateSession{This: manager.Self, SessionId: []string{session.Key}})
		if res.Fault() == nil {
			dropped++
		}
	}
	return dropped
}
