using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;

namespace CeasefireWatch.Tests.Escalation;

/// <summary>
/// A laptop that sleeps through a deadline, or a clock that NTP sets forward: the wall clock moves while the monotonic
/// clock (and every timer on it) does not. <see cref="SteppedClock"/> is the fake clock with a wall clock that can be
/// stepped on its own.
/// </summary>
public sealed class WallClockWatchTests
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    [Fact]
    public async Task A_deadline_passed_while_the_machine_slept_is_entered_within_seconds_of_waking_not_after_the_engine_s_sleep()
    {
        var monotonic = new FakeTimeProvider(StartInstant);
        var clock = new SteppedClock(monotonic);
        var log = new RecordingLogger<WallClockWatch>();
        await using var factory = App(monotonic, clock, log);
        var client = factory.CreateApiClient();
        var status = factory.Services.GetRequiredService<EscalationEngineStatus>();

        // The violation was 23 hours ago: tier 2 falls due in an hour, and the engine sleeps towards it, at most
        // EscalationEngine.MaxSleep at a time.
        var logged = await factory.LogIncidentAsync(client, clock.GetUtcNow() - Day + TimeSpan.FromHours(1));
        var deadline = logged.OccurredAt + Day;
        await WaitUntilAsync(() => Task.FromResult(status.Current.NextWakeAt == deadline), because: "the engine planned towards the deadline");

        // The lid is closed for two hours: the wall clock moves past the deadline, the timers stand still.
        clock.Step(TimeSpan.FromHours(2));
        var woke = monotonic.GetTimestamp();
        await WaitUntilAsync(
            async () =>
            {
                if ((await GetIncidentAsync(client, logged.Id)).Stage == Stage.Coalition)
                {
                    return true;
                }

                // The lid is open: time passes again, a second at a time, for at most a minute.
                if (monotonic.GetElapsedTime(woke) < TimeSpan.FromMinutes(1))
                {
                    monotonic.Advance(WallClockWatch.Interval);
                }

                return false;
            },
            because: "the engine entered tier 2 soon after the machine woke");

        Assert.True(
            monotonic.GetElapsedTime(woke) <= TimeSpan.FromSeconds(5),
            $"Tier 2 was entered {monotonic.GetElapsedTime(woke).TotalSeconds} s after waking; the engine's own sleep is {EscalationEngine.MaxSleep}.");
        var coalition = Assert.Single((await GetIncidentAsync(client, logged.Id)).StagesEntered, e => e.Stage == Stage.Coalition);
        Assert.Equal(deadline, coalition.DueAt);
        Assert.Contains(log.Snapshot(), e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Time_passing_as_usual_or_a_clock_set_back_is_no_jump()
    {
        var monotonic = new FakeTimeProvider(StartInstant);
        var clock = new SteppedClock(monotonic);
        var log = new RecordingLogger<WallClockWatch>();
        await using var factory = App(monotonic, clock, log);
        var client = factory.CreateApiClient();
        var watch = factory.Services.GetServices<IHostedService>().OfType<WallClockWatch>().Single();
        var logged = await factory.LogIncidentAsync(client, clock.GetUtcNow());

        // NTP sets a fast clock back half an hour: the deadline is now half an hour further away on the timers.
        clock.Step(TimeSpan.FromMinutes(-30));

        // A day and a half hour in steps of every size, the watch looking after each: the wall clock keeps pace.
        foreach (var step in new[] { 1, 1, 3, 60, 3_600, 84_535 })
        {
            var looked = watch.Looks;
            monotonic.Advance(TimeSpan.FromSeconds(step));
            await WaitUntilAsync(() => Task.FromResult(watch.Looks > looked), because: "the watch looked after the step");
        }

        // The tier fell due with the last step and is entered by the engine's own timer, with no warning.
        await WaitUntilAsync(
            async () => (await GetIncidentAsync(client, logged.Id)).Stage == Stage.Coalition,
            because: "the engine entered tier 2 on its own timer");
        Assert.DoesNotContain(log.Snapshot(), e => e.Level >= LogLevel.Warning);
    }

    /// <summary>The app on <paramref name="clock"/> (its timers <paramref name="monotonic"/>'s), the watch logging to <paramref name="log"/>.</summary>
    private static CeasefireWatchFactory App(FakeTimeProvider monotonic, SteppedClock clock, RecordingLogger<WallClockWatch> log) => new()
    {
        Clock = monotonic,
        TestServices = services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<ILogger<WallClockWatch>>(log);
        },
    };

    /// <summary>The fake clock's timers and elapsed time, with a wall clock that can also jump on its own.</summary>
    private sealed class SteppedClock(FakeTimeProvider monotonic) : TimeProvider
    {
        private long offsetTicks;

        public void Step(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => monotonic.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

        public override long GetTimestamp() => monotonic.GetTimestamp();

        public override long TimestampFrequency => monotonic.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => monotonic.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            monotonic.CreateTimer(callback, state, dueTime, period);
    }
}
