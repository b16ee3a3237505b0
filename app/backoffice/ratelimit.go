package backoffice

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// loginLimiter slows down password guessing: per client address and per
// account name, each a token bucket. Its maps are bounded: when one is
// full it starts afresh, which at worst forgives some guesses, never
// grows without end.
type loginLimiter struct {
	mu        sync.Mutex
	byIP      map[string]*rate.Limiter
	byAccount map[string]*rate.Limiter
}

// Login limits: an address may try 10 times at once and then once every
// 6 s; an account 5 times and then once every 30 s, whoever tries.
const (
	loginIPBurst       = 10
	loginIPEvery       = 6 * time.Second
	loginAccountBurst  = 5
	loginAccountEvery  = 30 * time.Second
	loginLimiterMaxKey = 10000
)

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{byIP: map[string]*rate.Limiter{}, byAccount: map[string]*rate.Limiter{}}
}

// allow takes one try for ip and account at now; false when either is out.
func (l *loginLimiter) allow(ip, account string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	ipOK := bucket(l.byIP, ip, loginIPEvery, loginIPBurst).AllowN(now, 1)
	acctOK := bucket(l.byAccount, account, loginAccountEvery, loginAccountBurst).AllowN(now, 1)
	return ipOK && acctOK
}

func bucket(m map[string]*rate.Limiter, key string, every time.Duration, burst int) *rate.Limiter {
	lim, ok := m[key]
	if !ok {
		if len(m) >= loginLimiterMaxKey {
			clear(m)
		}
		lim = rate.NewLimiter(rate.Every(every), burst)
		m[key] = lim
	}
	return lim
}
