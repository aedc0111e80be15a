using CeasefireWatch.Web.Features.Notifications;

namespace CeasefireWatch.Web.Escalation;

/// <summary>
/// Wakes the escalation engine and the notification sender when the wall clock jumps ahead of the time that passed.
/// <para>
/// Their sleeps are timers, and timers run on the monotonic clock, while deadlines are wall-clock instants. The two
/// part when the machine sleeps (a laptop's lid closed: Linux's monotonic clock stands still while suspended) or the
/// clock is set forward (NTP stepping a clock that was behind): a deadline that passed meanwhile would wait for the
/// rest of the engine's sleep, up to <see cref="EscalationEngine.MaxSleep"/>. This looks every
/// <see cref="Interval"/> whether the wall clock moved by more than the elapsed time, and if it did, by more than
/// <see cref="Tolerance"/>, wakes both at once. A clock set back needs nothing: the engine then wakes early, finds
/// nothing due, and sleeps again.
/// </para>
/// <para>
/// Each look is one timer set from the last (not a periodic timer), so a test clock advanced by days fires it once.
/// It compares two readings taken together, so a look that runs late on a busy machine is no jump.
/// </para>
/// </summary>
public sealed partial class WallClockWatch(
    TimeProvider clock,
    EscalationSignal engine,
    NotificationSignal notifications,
    ILogger<WallClockWatch> logger) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>A smaller difference is no jump: NTP slews a clock by far less than this in a second.</summary>
    internal static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(2);

    /// <summary>The wall clock's movement beyond the elapsed time between two readings (negative when set back).</summary>
    private long looks;

    /// <summary>How many times it has looked (for tests: a look it has not yet made proves nothing).</summary>
    internal long Looks => Interlocked.Read(ref looks);

    internal static TimeSpan Jump(DateTimeOffset wallBefore, DateTimeOffset wallNow, TimeSpan elapsed) =>
        wallNow - wallBefore - elapsed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wall = clock.GetUtcNow();
        var stamp = clock.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var wallNow = clock.GetUtcNow();
            var stampNow = clock.GetTimestamp();
            var jump = Jump(wall, wallNow, clock.GetElapsedTime(stamp, stampNow));
            (wall, stamp) = (wallNow, stampNow);
            if (jump > Tolerance)
            {
                LogJumped(jump.TotalSeconds);
                engine.Notify();
                notifications.Notify();
            }

            Interlocked.Increment(ref looks);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The wall clock moved {Seconds:0.#} s further than the time that passed (the machine slept, or its clock was set forward): the escalation engine looks at once")]
    private partial void LogJumped(double seconds);
}
