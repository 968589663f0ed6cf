package main

import (
	"fmt"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// guestWatch hooks the guest emulation into the registry's update path, so
// every power-state change is seen whichever way it happened (PowerOn, clone
// powerOn, Reset, ShutdownGuest, a delayed task, ...).
type guestWatch struct {
	guest *guestEmulator
}

var guestWatchRef = types.ManagedObjectReference{Type: "GantryGuestWatch", Value: "gantry-guest-watch"}

func (w *guestWatch) Reference() types.ManagedObjectReference { return guestWatchRef }

func (w *guestWatch) PutObject(mo.Reference) {}

func (w *guestWatch) RemoveObject(ref types.ManagedObjectReference) {
	if ref.Type == "VirtualMachine" {
		w.guest.forget(ref)
	}
}

func (w *guestWatch) UpdateObject(obj mo.Reference, changes []types.PropertyChange) {
	vm, ok := obj.(*mo.VirtualMachine)
	if !ok {
		return
	}
	for _, change := range changes {
		if change.Name == "runtime.powerState" {
			state := types.VirtualMachinePowerState(fmt.Sprint(change.Val))
			w.guest.powerChanged(vmView{ref: vm.Self, obj: vm, vm: vm}, state)
		}
	}
}

// startGuestEmulation registers the watch and boots the guests of VMs that
// are already on (the model's), so the whole inventory looks alive.
func (l *launcher) startGuestEmulation() {
	simulator.Map.AddHandler(&guestWatch{guest: l.guest})
	for _, entity := range simulator.Map.All("VirtualMachine") {
		vm, ok := entity.(*simulator.VirtualMachine)
		if ok && vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
			simulator.Map.WithLock(vm, func() { l.guest.powerChanged(viewOf(vm), vm.Runtime.PowerState) })
		}
	}
}
