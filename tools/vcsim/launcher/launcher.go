package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"
)

// launcher owns the simulator model and every piece of emulation state.
type launcher struct {
	cfg   config
	model *simulator.Model
	// client talks to the simulator in process (no HTTP, internal session);
	// emulation uses it to drive the library's own methods.
	client *vim25.Client
	stock  http.Handler

	counts   *callCounts
	settings *settings
	macs     *macAllocator
	faults   *faultRules
	names    *nameReservations
	guest    *guestEmulator
	// cloneLocks serialises clones per source VM (see stockClone)
	cloneLocks sync.Map
}

func newLauncher(ctx context.Context, cfg config, model *simulator.Model) (*launcher, error) {
	client, err := vim25.NewClient(ctx, model.Service)
	if err != nil {
		return nil, fmt.Errorf("in-process client: %w", err)
	}
	s := newSettings(cfg)
	l := &launcher{
		cfg:      cfg,
		model:    model,
		client:   client,
		counts:   newCallCounts(),
		settings: s,
		macs:     newMACAllocator(),
		faults:   newFaultRules(),
		names:    newNameReservations(),
		guest:    newGuestEmulator(s),
	}
	l.stock = l.stockHandler()
	return l, nil
}

// stockHandler builds the library's HTTP handlers. Service.NewServer insists on
// starting its own listener; we close it at once and serve the same mux from our
// front server, which adds TLS, the control API and the SOAP interception.
func (l *launcher) stockHandler() http.Handler {
	listen := &url.URL{Host: "127.0.0.1:0"}
	if l.cfg.username != "" {
		// a non-default Userinfo makes the library require this exact pair
		listen.User = url.UserPassword(l.cfg.username, l.cfg.password)
	}
	l.model.Service.Listen = listen
	server := l.model.Service.NewServer()
	server.Close()
	return l.model.Service.ServeMux
}

// advertise points the library's self-references at the front server.
func (l *launcher) advertise(u *url.URL) {
	simulator.Map.SessionManager().ServiceHostName = u.Host
	for _, setting := range simulator.Map.OptionManager().Setting {
		if opt := setting.GetOptionValue(); opt.Key == "vcsim.server.url" {
			opt.Value = u.String()
		}
	}
}

func (l *launcher) username() string {
	if l.cfg.username != "" {
		return l.cfg.username
	}
	return simulator.DefaultLogin.Username()
}

func (l *launcher) password() string {
	if l.cfg.username != "" {
		return l.cfg.password
	}
	pass, _ := simulator.DefaultLogin.Password()
	return pass
}

// vmObject returns the library's VM for ref, or nil.
func vmObject(ref types.ManagedObjectReference) *simulator.VirtualMachine {
	vm, _ := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	return vm
}
