using System.Text.Json.Serialization;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>Record that the tier-1 diplomatic warning was issued (once per incident): to whom, by which channel.</summary>
public static class RecordDiplomaticWarning
{
    [RequiresPolicy(Policies.Report)]
    public sealed record Command(string? Details, string? Recipient = null, string? Channel = null) : ICommand<IncidentDto>
    {
        [JsonIgnore]
        public int IncidentId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Details).MaximumLength(IncidentLimits.Note);
            RuleFor(c => c.Recipient).MaximumLength(IncidentLimits.Reason);
            RuleFor(c => c.Channel).MaximumLength(IncidentLimits.Reason);
        }
    }

    public sealed class Handler(IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken) =>
            workflow.ActAsync(command.IncidentId, (incident, x) => incident.RecordDiplomaticWarning(
                command.Details?.Trim() ?? string.Empty, x.Now, x.Actor, command.Recipient?.Trim(), command.Channel?.Trim()), cancellationToken);
    }
}
