package main

import (
	"fmt"
	"net"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// A guest whose DHCP answer is late configures itself with link-local
// addresses first (IPv4 169.254/16 by RFC 3927, IPv6 fe80::/64 from its MAC),
// and tools report those; setting guestLinkLocalMs plays that phase, so a
// client that waits for "an IP" must see past them.

// leaseArrived replaces the link-local IPv4 address with the guest's real one
// unless the power state changed since boot; the IPv6 link-local address
// stays listed after it, as on a real guest.
func (g *guestEmulator) leaseArrived(ref types.ManagedObjectReference, generation int) {
	g.stillBooted(ref, generation, func(vm *simulator.VirtualMachine, s *guestState) func() {
		identity := *s
		return func() {
			view := viewOf(vm)
			leased := nicAddresses{
				primary: identity.ip,
				prefix:  identity.prefix,
				more:    []types.NetIpConfigInfoIpAddress{linkLocalV6(view)},
			}
			simulator.Map.Update(vm, addressesChanged(view, identity, leased))
		}
	})
}

// linkLocalOnly is what the first adapter shows before the lease.
func linkLocalOnly(vm vmView) nicAddresses {
	mac := firstMAC(vm)
	// 169.254.0.x and 169.254.255.x are reserved (RFC 3927); derive the rest from the MAC
	v4 := fmt.Sprintf("169.254.%d.%d", 1+int(mac[4])%254, mac[5])
	return nicAddresses{primary: v4, prefix: 16, more: []types.NetIpConfigInfoIpAddress{linkLocalV6(vm)}}
}

// linkLocalV6 is the adapter's fe80:: address in modified EUI-64 form.
func linkLocalV6(vm vmView) types.NetIpConfigInfoIpAddress {
	mac := firstMAC(vm)
	ip := net.IP{0xfe, 0x80, 0, 0, 0, 0, 0, 0, mac[0] ^ 0x02, mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]}
	return types.NetIpConfigInfoIpAddress{
		IpAddress:    ip.String(),
		PrefixLength: 64,
		Origin:       string(types.NetIpConfigInfoIpAddressOriginLinklayer),
		State:        string(types.NetIpConfigInfoIpAddressStatusPreferred),
	}
}

// firstMAC is the first adapter's MAC, or zeros when it has none.
func firstMAC(vm vmView) net.HardwareAddr {
	for _, device := range vm.vm.Config.Hardware.Device {
		if nic, ok := device.(types.BaseVirtualEthernetCard); ok {
			if mac, err := net.ParseMAC(nic.GetVirtualEthernetCard().MacAddress); err == nil && len(mac) == 6 {
				return mac
			}
			break
		}
	}
	return make(net.HardwareAddr, 6)
}
