package main

// startEmulation switches on the behaviours real vCenter has and the library
// lacks; -stock leaves the library alone for comparison runs.
func (l *launcher) startEmulation() {
	if l.cfg.stock {
		return
	}
	markUplinkPortgroups()
	l.startGuestEmulation()
}
