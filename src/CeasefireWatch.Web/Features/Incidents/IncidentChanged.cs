using CeasefireWatch.Web.Escalation;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>Published after an incident's change is committed: a new incident, a report, a tier, a resolution.</summary>
public sealed record IncidentChanged(int IncidentId) : INotification;

/// <summary>A change may bring a deadline earlier (a new incident, T0 moved, a reopening): the engine re-plans its sleep.</summary>
public sealed class WakeEscalationEngine(EscalationSignal signal) : INotificationHandler<IncidentChanged>
{
    public ValueTask Handle(IncidentChanged notification, CancellationToken cancellationToken)
    {
        signal.Notify();
        return ValueTask.CompletedTask;
    }
}
