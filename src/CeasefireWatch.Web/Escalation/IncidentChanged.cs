using Mediator;

namespace CeasefireWatch.Web.Escalation;

/// <summary>
/// Published after a change to one or more incidents is committed: a new incident, a report, a tier, a
/// resolution. The engine publishes one per batch of tiers it enters, not one per incident, so a burst of
/// deadlines costs one wake-up and one push rather than thousands.
/// </summary>
public sealed record IncidentChanged(IReadOnlyList<int> IncidentIds) : INotification
{
    /// <summary>
    /// When the publisher knows it: none of these incidents falls due before this instant (UTC;
    /// <see cref="DateTime.MaxValue"/> when none has a deadline). Null: unknown, which always wakes the engine.
    /// </summary>
    public DateTime? NoDeadlineBefore { get; init; }

    public IncidentChanged(int incidentId)
        : this([incidentId])
    {
    }
}

/// <summary>
/// A change may bring a deadline earlier (a new incident, T0 moved, a reopening): the engine re-plans its sleep, unless
/// the change says its incidents fall due no sooner than the engine looks again anyway.
/// </summary>
public sealed class WakeEscalationEngine(EscalationSignal signal, EscalationEngineStatus status) : INotificationHandler<IncidentChanged>
{
    public ValueTask Handle(IncidentChanged notification, CancellationToken cancellationToken)
    {
        if (notification.NoDeadlineBefore is { } noDeadlineBefore)
        {
            if (!signal.Notify(noDeadlineBefore))
            {
                status.Expect(noDeadlineBefore);
            }
        }
        else
        {
            signal.Notify();
        }

        return ValueTask.CompletedTask;
    }
}
