package main

import (
	"fmt"
	"math/rand"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// macAllocator hands out vCenter-style assigned MACs (00:50:56:80:00:00 –
// 00:50:56:bf:ff:ff). The library derives a clone's MAC from the shared device
// object, so every clone would otherwise carry its source's MAC.
type macAllocator struct {
	mu   sync.Mutex
	next uint32
}

func newMACAllocator() *macAllocator {
	// a random start keeps MACs distinct across simulator runs too
	return &macAllocator{next: uint32(rand.Int31n(1 << 21))}
}

func (a *macAllocator) allocate() string {
	a.mu.Lock()
	n := a.next & 0x3fffff
	a.next++
	a.mu.Unlock()
	return fmt.Sprintf("00:50:56:%02x:%02x:%02x", 0x80|byte(n>>16), byte(n>>8), byte(n))
}

// assignFreshMACs gives every NIC of vm a new assigned MAC, except manual ones.
func (l *launcher) assignFreshMACs(vm *simulator.VirtualMachine) {
	simulator.Map.WithLock(vm, func() {
		devices := vm.Config.Hardware.Device
		for _, device := range devices {
			nic, ok := device.(types.BaseVirtualEthernetCard)
			if !ok {
				continue
			}
			card := nic.GetVirtualEthernetCard()
			if card.AddressType == string(types.VirtualEthernetCardMacTypeManual) {
				continue
			}
			card.MacAddress = l.macs.allocate()
			card.AddressType = string(types.VirtualEthernetCardMacTypeAssigned)
			for i := range vm.Guest.Net {
				if vm.Guest.Net[i].DeviceConfigId == card.Key {
					vm.Guest.Net[i].MacAddress = card.MacAddress
				}
			}
		}
		simulator.Map.Update(vm, []types.PropertyChange{
			{Name: "config.hardware.device", Val: devices},
			{Name: "guest.net", Val: vm.Guest.Net},
		})
	})
}
