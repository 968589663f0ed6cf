package main

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

const toolsVersion = "12352"

// nicAddresses is what the guest reports on its first adapter: the primary
// address (also guest.ipAddress) and any further ones listed after it.
type nicAddresses struct {
	primary string
	prefix  int32
	more    []types.NetIpConfigInfoIpAddress
}

func (a nicAddresses) all() []types.NetIpConfigInfoIpAddress {
	first := types.NetIpConfigInfoIpAddress{
		IpAddress: a.primary, PrefixLength: a.prefix, State: string(types.NetIpConfigInfoIpAddressStatusPreferred),
	}
	return append([]types.NetIpConfigInfoIpAddress{first}, a.more...)
}

// guestUp is the set of property changes tools report once the guest has booted.
// Each property is its own change so filters on exact paths
// (guest.ipAddress, guest.toolsRunningStatus) match.
func guestUp(vm vmView, id guestState, addrs nicAddresses, customized bool) []types.PropertyChange {
	running := string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
	current := string(types.VirtualMachineToolsVersionStatusGuestToolsCurrent)
	changes := []types.PropertyChange{
		{Name: "guest.toolsStatus", Val: types.VirtualMachineToolsStatusToolsOk},
		{Name: "guest.toolsVersionStatus", Val: current},
		{Name: "guest.toolsVersionStatus2", Val: current},
		{Name: "guest.toolsVersion", Val: toolsVersion},
		{Name: "guest.guestState", Val: "running"},
		{Name: "guest.guestId", Val: vm.vm.Config.GuestId},
		{Name: "guest.guestFullName", Val: vm.vm.Config.GuestFullName},
		{Name: "guest.hostName", Val: id.hostName},
		{Name: "guest.net", Val: guestNICs(vm, &id, addrs)},
		{Name: "guest.ipAddress", Val: addrs.primary},
		{Name: "summary.guest.toolsStatus", Val: types.VirtualMachineToolsStatusToolsOk},
		{Name: "summary.guest.toolsVersionStatus2", Val: current},
		{Name: "summary.guest.toolsRunningStatus", Val: running},
		{Name: "summary.guest.guestId", Val: vm.vm.Config.GuestId},
		{Name: "summary.guest.guestFullName", Val: vm.vm.Config.GuestFullName},
		{Name: "summary.guest.hostName", Val: id.hostName},
		{Name: "summary.guest.ipAddress", Val: addrs.primary},
		{Name: "summary.quickStats.guestHeartbeatStatus", Val: types.ManagedEntityStatusGreen},
		// last, so a client that saw tools running also sees the address
		{Name: "guest.toolsRunningStatus", Val: running},
	}
	if customized {
		changes = append(changes, types.PropertyChange{Name: "config.tools.pendingCustomization", Val: ""})
	}
	return changes
}

// guestGone is what vCenter shows once the guest is off: no tools, no address.
func guestGone(vm vmView) []types.PropertyChange {
	notRunning := string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning)
	return []types.PropertyChange{
		{Name: "guest.toolsRunningStatus", Val: notRunning},
		{Name: "guest.toolsStatus", Val: types.VirtualMachineToolsStatusToolsNotRunning},
		{Name: "guest.guestState", Val: "notRunning"},
		{Name: "guest.ipAddress", Val: nil},
		{Name: "guest.hostName", Val: nil},
		{Name: "guest.net", Val: guestNICs(vm, nil, nicAddresses{})},
		{Name: "summary.guest.toolsStatus", Val: types.VirtualMachineToolsStatusToolsNotRunning},
		{Name: "summary.guest.toolsRunningStatus", Val: notRunning},
		{Name: "summary.guest.ipAddress", Val: nil},
		{Name: "summary.guest.hostName", Val: nil},
		{Name: "summary.quickStats.guestHeartbeatStatus", Val: types.ManagedEntityStatusGray},
	}
}

// addressesChanged is what tools report when the guest's addresses change
// while it runs (a DHCP lease replacing a link-local address).
func addressesChanged(vm vmView, id guestState, addrs nicAddresses) []types.PropertyChange {
	return []types.PropertyChange{
		{Name: "guest.net", Val: guestNICs(vm, &id, addrs)},
		{Name: "guest.ipAddress", Val: addrs.primary},
		{Name: "summary.guest.ipAddress", Val: addrs.primary},
	}
}

// guestNICs is guest.net: one entry per adapter; with an identity the first
// adapter carries the addresses and DNS settings.
func guestNICs(vm vmView, id *guestState, addrs nicAddresses) []types.GuestNicInfo {
	var nics []types.GuestNicInfo
	for _, device := range vm.vm.Config.Hardware.Device {
		nic, ok := device.(types.BaseVirtualEthernetCard)
		if !ok {
			continue
		}
		card := nic.GetVirtualEthernetCard()
		info := types.GuestNicInfo{
			Network:        networkName(card),
			MacAddress:     card.MacAddress,
			Connected:      id != nil,
			DeviceConfigId: card.Key,
		}
		if id != nil && len(nics) == 0 {
			info.IpConfig = &types.NetIpConfigInfo{IpAddress: addrs.all()}
			for _, a := range info.IpConfig.IpAddress {
				info.IpAddress = append(info.IpAddress, a.IpAddress)
			}
			info.DnsConfig = &types.NetDnsConfigInfo{HostName: id.hostName, DomainName: id.domain, IpAddress: id.dns}
		}
		nics = append(nics, info)
	}
	return nics
}

func networkName(card *types.VirtualEthernetCard) string {
	switch backing := card.Backing.(type) {
	case *types.VirtualEthernetCardNetworkBackingInfo:
		return backing.DeviceName
	case *types.VirtualEthernetCardDistributedVirtualPortBackingInfo:
		ref := types.ManagedObjectReference{Type: "DistributedVirtualPortgroup", Value: backing.Port.PortgroupKey}
		if pg, ok := simulator.Map.Get(ref).(*simulator.DistributedVirtualPortgroup); ok {
			return pg.Name
		}
	}
	return ""
}
