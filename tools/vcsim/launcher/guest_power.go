package main

import (
	"context"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// guestBehaviour is how one VM's emulated guest treats what VMware Tools asks
// of it; the zero value is a well-behaved guest. Set by the control API.
type guestBehaviour struct {
	// IgnoresShutdown: ShutdownGuest is accepted, but the guest never stops
	IgnoresShutdown bool `json:"ignoresShutdown"`
	// IgnoresReboot: RebootGuest is accepted, but the guest never restarts
	IgnoresReboot bool `json:"ignoresReboot"`
	// NoTools: VMware Tools is not installed; the guest boots without it
	NoTools bool `json:"noTools"`
}

// handleGuestPower answers ShutdownGuest and RebootGuest as vCenter does: at
// once (no task), refused with InvalidPowerState when the VM is not running
// and with ToolsUnavailable when Tools does not run in the guest. The guest
// then does what it was asked after the guest's reaction delay, unless its
// behaviour says it ignores it (the library powers off at once, Tools or not,
// and has no RebootGuest at all).
func (l *launcher) handleGuestPower(call *soapCall) {
	if !l.authenticated(call) {
		return
	}
	method, ok := l.decodeOrFail(call)
	if !ok {
		return
	}
	vm := vmObject(method.This)
	if vm == nil {
		writeFault(call.w, &types.ManagedObjectNotFound{Obj: method.This}, "")
		return
	}
	var fault types.BaseMethodFault
	simulator.Map.WithLock(vm, func() {
		switch {
		case vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn:
			fault = &types.InvalidPowerState{
				RequestedState: types.VirtualMachinePowerStatePoweredOn,
				ExistingState:  vm.Runtime.PowerState,
			}
		case vm.Guest == nil || vm.Guest.ToolsRunningStatus != string(types.VirtualMachineToolsRunningStatusGuestToolsRunning):
			fault = &types.ToolsUnavailable{}
		}
	})
	if fault != nil {
		writeFault(call.w, fault, "")
		return
	}
	writeEmptyResponse(call.w, call.method)
	behaviour := l.guest.behaviour(vm.Self)
	ref := vm.Self
	switch call.method {
	case "ShutdownGuest":
		if !behaviour.IgnoresShutdown {
			time.AfterFunc(l.settings.shutdownDelay(), func() { l.guestStops(ref) })
		}
	case "RebootGuest":
		if !behaviour.IgnoresReboot {
			time.AfterFunc(l.settings.shutdownDelay(), func() { l.guest.reboot(ref) })
		}
	}
}

// guestStops powers the VM off the way a guest that shut down does, through
// the library's power path, so every watcher sees the power state change.
func (l *launcher) guestStops(ref types.ManagedObjectReference) {
	if vm := vmObject(ref); vm == nil || vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
		return
	}
	if fault := l.powerOffInProcess(context.Background(), ref); fault != nil {
		logf("guest shutdown of %s: %T", ref.Value, fault)
	}
}

// reboot restarts ref's guest without a power state change: Tools go away,
// then the guest boots again after the boot delay (a reset or power-off in
// between overtakes it, like any boot).
func (g *guestEmulator) reboot(ref types.ManagedObjectReference) {
	vm := vmObject(ref)
	if vm == nil {
		return
	}
	simulator.Map.WithLock(vm, func() {
		if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
			return
		}
		g.mu.Lock()
		s := g.state(ref)
		s.generation++
		generation := s.generation
		g.mu.Unlock()
		view := viewOf(vm)
		simulator.Map.Update(vm, guestGone(view))
		time.AfterFunc(g.settings.bootDelay(), func() { g.boot(ref, generation) })
	})
}

// behaviour is ref's guest behaviour (the zero value unless set).
func (g *guestEmulator) behaviour(ref types.ManagedObjectReference) guestBehaviour {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.behaviours[ref]
}

// setBehaviour changes ref's guest behaviour; a guest that loses its Tools
// shows none from now on.
func (g *guestEmulator) setBehaviour(vm *simulator.VirtualMachine, b guestBehaviour) {
	g.mu.Lock()
	g.behaviours[vm.Self] = b
	g.mu.Unlock()
	if b.NoTools {
		simulator.Map.WithLock(vm, func() { simulator.Map.Update(vm, guestGone(viewOf(vm))) })
	}
}
