using System.Text.Json.Serialization;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// A supervisor moves an incident ahead of the clock, with a stated reason, to the tier named in
/// <see cref="Command.ToStage"/> (passing over none in the record), or to the next tier when none is named.
/// Naming the tier is what pages do: the button says which tier it enters, and a click that arrives after
/// that tier was entered (by the engine, or another supervisor) is a 409 that changes nothing.
/// </summary>
public static class EscalateIncident
{
    [RequiresPolicy(Policies.Supervise)]
    public sealed record Command(string? Reason, Stage? ToStage = null) : ICommand<IncidentDto>
    {
        [JsonIgnore]
        public int IncidentId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() =>
            RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the incident is escalated early.").MaximumLength(IncidentLimits.Reason);
    }

    public sealed class Handler(IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken)
        {
            // Without a named tier the request means the tier after the one the incident was at when this request first
            // read it. A retry after a concurrent change (an identical request sent twice, both read tier 1, the other
            // saved first) names that tier, finds it entered and is refused, instead of carrying the incident one tier
            // further than either caller asked.
            Stage? firstRead = null;
            return workflow.ActAsync(command.IncidentId,
                (incident, x) =>
                {
                    var toStage = command.ToStage ?? firstRead?.Next();
                    firstRead ??= incident.Stage;
                    incident.EscalateEarly(command.Reason!.Trim(), toStage, x.Now, x.Actor, x.Policy);
                },
                cancellationToken);
        }
    }
}
