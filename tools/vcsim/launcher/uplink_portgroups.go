package main

import (
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// uplinkTag is the system tag vCenter puts on a distributed switch's uplink portgroup.
const uplinkTag = "SYSTEM/DVS.UPLINKPG"

// markUplinkPortgroups makes the model's uplink portgroups look as they do in
// vCenter. The library creates "<switch>-DVUplinks-<n>" with each distributed
// switch but leaves it unmarked, so a client cannot tell it from a portgroup a
// VM can attach to. vCenter sets its config.uplink (API 6.5 and later), tags it
// SYSTEM/DVS.UPLINKPG and lists it in the switch's config.uplinkPortgroup.
func markUplinkPortgroups() {
	for _, entity := range simulator.Map.All("DistributedVirtualPortgroup") {
		pg, ok := entity.(*simulator.DistributedVirtualPortgroup)
		if !ok || pg.Config.DistributedVirtualSwitch == nil {
			continue
		}
		dvs, ok := simulator.Map.Get(*pg.Config.DistributedVirtualSwitch).(*simulator.DistributedVirtualSwitch)
		if !ok || !strings.HasPrefix(pg.Name, dvs.Name+"-DVUplinks") {
			continue
		}
		pg.Config.Uplink = types.NewBool(true)
		pg.Tag = append(pg.Tag, types.Tag{Key: uplinkTag})
		config := dvs.Config.GetDVSConfigInfo()
		config.UplinkPortgroup = append(config.UplinkPortgroup, pg.Self)
	}
}
