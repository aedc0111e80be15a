using System.Text.Json.Serialization;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Escalation;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>Hostilities resumed (or the resolution was wrong): the clock runs again from the same T0.</summary>
public static class ReopenIncident
{
    [RequiresPolicy(Policies.Supervise)]
    public sealed record Command(string? Reason) : ICommand<IncidentDto>
    {
        [JsonIgnore]
        public int IncidentId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the incident is reopened.").MaximumLength(IncidentLimits.Reason);
    }

    public sealed class Handler(
        AppDbContext db, TimeProvider clock, EscalationPolicy policy, ICurrentActor actor, IPublisher publisher)
        : ICommandHandler<Command, IncidentDto>
    {
        public async ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken)
        {
            var incident = await db.Incidents.GetForUpdateAsync(command.IncidentId, cancellationToken);
            incident.Reopen(command.Reason!.Trim(), clock.GetUtcNow().UtcDateTime, actor.Name, policy);
            await db.SaveChangesAsync(cancellationToken);
            await publisher.Publish(new IncidentChanged(incident.Id), cancellationToken);
            return IncidentDto.From(incident);
        }
    }
}
