package main

import (
	"sync"
	"time"
)

// settings are the emulation knobs a test may change at run time (POST /_gantry/settings).
type settings struct {
	mu             sync.Mutex
	guestBootDelay time.Duration
	guestLinkLocal time.Duration
	guestShutdown  time.Duration
	taskDelays     map[string]time.Duration
}

// settingsSnapshot is a copy of the settings, safe to read without the lock.
type settingsSnapshot struct {
	guestBootDelay time.Duration
	guestLinkLocal time.Duration
	guestShutdown  time.Duration
	taskDelays     map[string]time.Duration
}

func newSettings(cfg config) *settings {
	return &settings{
		guestBootDelay: cfg.guestBootDelay,
		guestLinkLocal: cfg.guestLinkLocal,
		guestShutdown:  cfg.guestShutdownDelay,
		taskDelays:     cfg.taskDelays,
	}
}

func (s *settings) bootDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.guestBootDelay
}

// linkLocalPhase is how long a booted guest shows only link-local addresses.
func (s *settings) linkLocalPhase() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.guestLinkLocal
}

// shutdownDelay is how long a guest takes to act on ShutdownGuest or RebootGuest.
func (s *settings) shutdownDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.guestShutdown
}

func (s *settings) setShutdownDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.guestShutdown = d
}

func (s *settings) taskDelay(method string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.taskDelays[method]
}

func (s *settings) setBootDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.guestBootDelay = d
}

func (s *settings) setLinkLocalPhase(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.guestLinkLocal = d
}

// setTaskDelays replaces the whole map, so a test states exactly what it wants.
func (s *settings) setTaskDelays(delays map[string]time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.taskDelays = delays
}

func (s *settings) snapshot() settingsSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	delays := make(map[string]time.Duration, len(s.taskDelays))
	for k, v := range s.taskDelays {
		delays[k] = v
	}
	return settingsSnapshot{
		guestBootDelay: s.guestBootDelay,
		guestLinkLocal: s.guestLinkLocal,
		guestShutdown:  s.guestShutdown,
		taskDelays:     delays,
	}
}
