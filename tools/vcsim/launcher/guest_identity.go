package main

import (
	"fmt"
	"net"
	"sync/atomic"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

var prefixNameCounter atomic.Int64

// customizedName is the host name a customization's identity gives the guest.
func customizedName(vm *simulator.VirtualMachine, identity types.BaseCustomizationIdentitySettings) string {
	var name types.BaseCustomizationName
	switch id := identity.(type) {
	case *types.CustomizationLinuxPrep:
		name = id.HostName
	case *types.CustomizationSysprep:
		name = id.UserData.ComputerName
	}
	switch n := name.(type) {
	case *types.CustomizationFixedName:
		return n.Name
	case *types.CustomizationVirtualMachineName:
		return vm.Name
	case *types.CustomizationPrefixName:
		return fmt.Sprintf("%s-%d", n.Base, prefixNameCounter.Add(1))
	default:
		return ""
	}
}

// prefixLength turns "255.255.255.0" into 24 (24 when unset or odd).
func prefixLength(mask string) int32 {
	ip := net.ParseIP(mask).To4()
	if ip == nil {
		return 24
	}
	ones, bits := net.IPMask(ip).Size()
	if bits == 0 {
		return 24
	}
	return int32(ones)
}

// nicKeys lists vm's network adapters in device order.
func nicKeys(vm *simulator.VirtualMachine) []int32 {
	var keys []int32
	for _, device := range vm.Config.Hardware.Device {
		if nic, ok := device.(types.BaseVirtualEthernetCard); ok {
			keys = append(keys, nic.GetVirtualEthernetCard().Key)
		}
	}
	return keys
}

// vmView is a VM as the guest emulation sees it: from a registry update
// handler we get the bare mo.VirtualMachine, elsewhere the library's object.
type vmView struct {
	ref types.ManagedObjectReference
	obj mo.Reference
	vm  *mo.VirtualMachine
}

func viewOf(vm *simulator.VirtualMachine) vmView {
	return vmView{ref: vm.Self, obj: vm, vm: &vm.VirtualMachine}
}
