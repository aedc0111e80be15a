using Mediator;

namespace CeasefireWatch.Web.Escalation;

/// <summary>
/// Published after a change to one or more incidents is committed: a new incident, a report, a tier, a
/// resolution. The engine publishes one per batch of tiers it enters, not one per incident, so a burst of
/// deadlines costs one wake-up and one push rather than thousands.
/// </summary>
public sealed record IncidentChanged(IReadOnlyList<int> IncidentIds) : INotification
{
    public IncidentChanged(int incidentId)
        : this([incidentId])
    {
    }
}

/// <summary>A change may bring a deadline earlier (a new incident, T0 moved, a reopening): the engine re-plans its sleep.</summary>
public sealed class WakeEscalationEngine(EscalationSignal signal) : INotificationHandler<IncidentChanged>
{
    public ValueTask Handle(IncidentChanged notification, CancellationToken cancellationToken)
    {
        signal.Notify();
        return ValueTask.CompletedTask;
    }
}
