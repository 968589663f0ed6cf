package main

import (
	"context"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/types"
)

// stockClone runs the library's CloneVM_Task in process with the clone's devices
// isolated from the source's.
//
// Why: the library's clone passes the source's device objects to the new VM and
// clears the disk's backing file name on them before creating the clone's vmdk.
// Afterwards source and clone share the same objects, so the template's disk
// points at the clone's vmdk and every edit of one shows up on the other. We
// hand the library a deep copy to consume and restore the source's originals.
// Clones of one source are serialised so no two clones consume the same copy.
func (l *launcher) stockClone(ctx context.Context, req types.CloneVM_Task) (types.ManagedObjectReference, types.BaseMethodFault) {
	var none types.ManagedObjectReference
	source := vmObject(req.This)
	if source == nil {
		return none, &types.ManagedObjectNotFound{Obj: req.This}
	}
	lock, _ := l.cloneLocks.LoadOrStore(req.This, &sync.Mutex{})
	mu, _ := lock.(*sync.Mutex)
	mu.Lock()
	defer mu.Unlock()

	var original []types.BaseVirtualDevice
	simulator.Map.WithLock(source, func() {
		original = source.Config.Hardware.Device
		source.Config.Hardware.Device = deepCopy(original)
	})
	defer simulator.Map.WithLock(source, func() { source.Config.Hardware.Device = original })

	res, err := methods.CloneVM_Task(ctx, l.client, &req)
	if err != nil {
		return none, faultOf(err)
	}
	result, fault := taskOutcome(res.Returnval)
	if fault != nil {
		return none, fault
	}
	ref, ok := result.(types.ManagedObjectReference)
	if !ok {
		return none, &types.SystemError{Reason: "clone task returned no VM"}
	}
	return ref, nil
}
