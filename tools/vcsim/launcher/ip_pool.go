package main

import (
	"fmt"
	"sync"
)

// ipPool hands out guest addresses from 198.18.0.0/15, the benchmarking range
// (RFC 2544): nothing real lives there, so a test that "connects" to a guest
// fails fast instead of reaching a stranger.
type ipPool struct {
	mu   sync.Mutex
	next uint32
}

const (
	poolBase   = 198<<24 | 18<<16
	poolSize   = 1 << 17
	poolPrefix = 15
)

func newIPPool() *ipPool {
	return &ipPool{next: 10}
}

func (p *ipPool) allocate() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		n := p.next % poolSize
		p.next++
		// skip network- and broadcast-looking host bytes
		if last := n & 0xff; last == 0 || last == 255 {
			continue
		}
		addr := uint32(poolBase) + n
		return fmt.Sprintf("%d.%d.%d.%d", addr>>24, addr>>16&0xff, addr>>8&0xff, addr&0xff)
	}
}
