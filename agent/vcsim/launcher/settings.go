package main

import (
	"sync"
	"time"
)

// settings are the emulation knobs a test may change at run time (POST /_gantry/settings).
type settings struct {
	mu             sync.Mutex
	guestBootDelay time.Duration
	taskDelays     map[string]time.Duration
}

func newSettings(cfg config) *settings {
	return &settings{guestBootDelay: cfg.guestBootDelay, taskDelays: cfg.taskDelays}
}

func (s *settings) bootDelay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.guestBootDelay
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

// setTaskDelays replaces the whole map, so a test states exactly what it wants.
func (s *settings) setTaskDelays(delays map[string]time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.taskDelays = delays
}

func (s *settings) snapshot() (time.Duration, map[string]time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delays := make(map[string]time.Duration, len(s.taskDelays))
	for k, v := range s.taskDelays {
		delays[k] = v
	}
	return s.guestBootDelay, delays
}
