using CeasefireWatch.Web.Infrastructure.Localization;
using System.Text.Json.Serialization;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>Hostilities ceased: the incident's clock stops. Tiers already entered stay on the record.</summary>
public static class ResolveIncident
{
    [RequiresPolicy(Policies.Supervise)]
    public sealed record Command(DateTimeOffset? CeasedAt, string? Reason) : ICommand<IncidentDto>
    {
        [JsonIgnore]
        public int IncidentId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.CeasedAt)
                .Must(t => t <= clock.GetUtcNow() + IncidentLimits.ClockSkew)
                .When(c => c.CeasedAt is not null)
                .WithMessage(c => Text.Format("The time hostilities ceased ({0}, {1:u}) is in the future; leave it empty for now.",
                    ZoneTime.Format(c.CeasedAt!.Value.UtcDateTime, TimeInputZone.Kyiv), c.CeasedAt));
            RuleFor(c => c.Reason).MaximumLength(IncidentLimits.Reason);
        }
    }

    public sealed class Handler(IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken) =>
            workflow.ActAsync(command.IncidentId, (incident, x) =>
            {
                var ceasedAt = command.CeasedAt?.UtcDateTime ?? x.Now;
                if (ceasedAt < incident.OccurredAt)
                {
                    // Only the incident knows its T0, so this rule is checked here but reported like any field rule.
                    throw new ValidationException([new ValidationFailure(
                        nameof(Command.CeasedAt),
                        $"Hostilities cannot cease before the first violation ({UtcFormat.Format(incident.OccurredAt)}).")]);
                }

                var reason = string.IsNullOrWhiteSpace(command.Reason) ? "No reason given." : command.Reason.Trim();
                incident.Resolve(ceasedAt, reason, x.Now, x.Actor, x.Policy);
            }, cancellationToken);
    }
}
