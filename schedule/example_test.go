package schedule_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ferryhq/ferry/schedule"
)

func ExampleParseFrequency() {
	for _, s := range []string{"every 5 minutes", "every half hour", "every 2 days", "every 1.5h", "every 10s", "every 5 lightyears"} {
		d, err := schedule.ParseFrequency(s)
		if err != nil {
			fmt.Println(errors.Is(err, schedule.ErrInvalidFrequency), err)
			continue
		}
		fmt.Println(s, "→", d)
	}
	// Output:
	// every 5 minutes → 5m0s
	// every half hour → 30m0s
	// every 2 days → 48h0m0s
	// every 1.5h → 1h30m0s
	// true schedule: invalid frequency "every 10s": 10s is shorter than the minimum of 30s (allowed: 30s to 31 days)
	// true schedule: invalid frequency "every 5 lightyears": unknown unit "lightyears"; want ms, s, m, h, d, w or y (or a long form such as "minutes"), or "half hour", "quarter hour", "half day", "month"
}

func ExampleScheduler() {
	s, err := schedule.New(schedule.Options{})
	if err != nil {
		panic(err)
	}
	every, _ := schedule.ParseFrequency("every hour")
	err = s.Set(schedule.Job{
		Key:     "dev/github/conn-1/issues",
		Every:   every,
		LastRun: time.Now().Add(-3 * time.Hour), // ferry was down: one catch-up run soon after Start
		Run:     func(ctx context.Context) { /* run the sync */ },
	})
	if err != nil {
		panic(err)
	}
	s.Start()
	next, _ := s.Next("dev/github/conn-1/issues")
	fmt.Println(s.Len(), time.Until(next) <= schedule.DefaultCatchUpWindow)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		panic(err)
	}
	// Output: 1 true
}
