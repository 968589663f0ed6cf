package main

import (
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// nameKey is a VM name within a folder.
type nameKey struct {
	folder types.ManagedObjectReference
	name   string
}

// nameReservations gives vCenter's DuplicateName check, which the library
// lacks: a name is taken when the folder has a VM of that name or a clone of
// that name is still running into it.
type nameReservations struct {
	mu       sync.Mutex
	inFlight map[nameKey]bool
}

func newNameReservations() *nameReservations {
	return &nameReservations{inFlight: map[nameKey]bool{}}
}

// reserve claims key; false when the name is taken.
func (n *nameReservations) reserve(key nameKey) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.inFlight[key] || folderHasVM(key) {
		return false
	}
	n.inFlight[key] = true
	return true
}

// release frees key once its clone has finished (a successful clone is in the folder by then).
func (n *nameReservations) release(key nameKey) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.inFlight, key)
}

func folderHasVM(key nameKey) bool {
	folder, ok := simulator.Map.Get(key.folder).(*simulator.Folder)
	if !ok {
		return false
	}
	var children []types.ManagedObjectReference
	simulator.Map.WithLock(folder, func() {
		children = append(children, folder.ChildEntity...)
	})
	for _, child := range children {
		if vm := vmObject(child); vm != nil && vm.Name == key.name {
			return true
		}
	}
	return false
}
