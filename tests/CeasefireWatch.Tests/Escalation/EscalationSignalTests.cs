using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Escalation;
using Microsoft.Extensions.Time.Testing;

namespace CeasefireWatch.Tests.Escalation;

/// <summary>The engine's wake-up signal, with a fake clock: no test here waits on real time passing.</summary>
public sealed class EscalationSignalTests
{
    /// <summary>A bound for awaiting a task that should already be finishing; not a delay.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly EscalationSignal signal = new();
    private readonly FakeTimeProvider clock = new(CeasefireWatchFactory.StartInstant);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitAsync_returns_true_promptly_when_notified_without_any_time_passing()
    {
        var wait = signal.WaitAsync(TimeSpan.FromMinutes(10), clock, Ct);
        Assert.False(wait.IsCompleted);

        signal.Notify();

        Assert.True(await wait.WaitAsync(Bound, Ct));
        Assert.Equal(CeasefireWatchFactory.StartInstant, clock.GetUtcNow());
    }

    [Fact]
    public async Task A_notification_sent_before_waiting_is_kept_for_the_next_wait()
    {
        signal.Notify();

        var wait = signal.WaitAsync(TimeSpan.FromMinutes(10), clock, Ct);

        Assert.True(wait.IsCompleted);
        Assert.True(await wait);
    }

    [Fact]
    public async Task WaitAsync_returns_false_when_the_delay_elapses_on_the_fake_clock_and_not_before()
    {
        var wait = signal.WaitAsync(TimeSpan.FromMinutes(1), clock, Ct);

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(wait.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await wait.WaitAsync(Bound, Ct));
    }

    [Fact]
    public async Task Many_notifications_collapse_into_one_wake_up()
    {
        for (var i = 0; i < 50; i++)
        {
            signal.Notify();
        }

        Assert.True(await signal.WaitAsync(TimeSpan.FromMinutes(1), clock, Ct).WaitAsync(Bound, Ct));

        var second = signal.WaitAsync(TimeSpan.FromMinutes(1), clock, Ct);
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await second.WaitAsync(Bound, Ct));
    }

    [Fact]
    public async Task A_zero_delay_returns_at_once()
    {
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, clock, Ct).WaitAsync(Bound, Ct));
    }

    [Fact]
    public async Task Cancelling_the_wait_throws()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var wait = signal.WaitAsync(TimeSpan.FromMinutes(10), clock, cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Bound, Ct));
    }

    [Fact]
    public async Task A_change_due_no_sooner_than_the_engines_next_look_does_not_wake_it_and_a_sooner_one_does()
    {
        var look = CeasefireWatchFactory.StartInstant.UtcDateTime + TimeSpan.FromMinutes(10);
        signal.WillLookAt(look);
        var wait = signal.WaitAsync(TimeSpan.FromMinutes(10), clock, Ct);

        Assert.False(signal.Notify(look));
        Assert.False(signal.Notify(look + TimeSpan.FromHours(24)));
        signal.Notify(DateTime.MaxValue);
        Assert.False(wait.IsCompleted);

        Assert.True(signal.Notify(look - TimeSpan.FromTicks(1)));
        Assert.True(await wait.WaitAsync(Bound, Ct));
    }

    [Fact]
    public async Task While_the_engine_plans_every_change_wakes_it_whatever_its_deadline()
    {
        signal.WillLookAt(CeasefireWatchFactory.StartInstant.UtcDateTime + TimeSpan.FromMinutes(10));
        signal.Planning();

        signal.Notify(DateTime.MaxValue);

        Assert.True(await signal.WaitAsync(TimeSpan.FromMinutes(10), clock, Ct).WaitAsync(Bound, Ct));
    }

    [Fact]
    public async Task The_engines_handler_shows_a_deadline_due_after_its_next_look_without_waking_it_and_wakes_it_for_an_unknown_one()
    {
        var look = CeasefireWatchFactory.StartInstant.UtcDateTime + TimeSpan.FromMinutes(10);
        signal.WillLookAt(look);
        var status = new EscalationEngineStatus();
        var handler = new WakeEscalationEngine(signal, status);
        var wait = signal.WaitAsync(TimeSpan.FromMinutes(10), clock, Ct);

        await handler.Handle(new IncidentChanged(1) { NoDeadlineBefore = look + TimeSpan.FromHours(24) }, Ct);
        await handler.Handle(new IncidentChanged(2) { NoDeadlineBefore = look + TimeSpan.FromHours(23) }, Ct);
        await handler.Handle(new IncidentChanged(3) { NoDeadlineBefore = DateTime.MaxValue }, Ct);
        Assert.False(wait.IsCompleted);
        Assert.Equal(look + TimeSpan.FromHours(23), status.Current.NextWakeAt);

        await handler.Handle(new IncidentChanged(1), Ct);
        Assert.True(await wait.WaitAsync(Bound, Ct));
    }
}
