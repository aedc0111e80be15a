using System.Text.Json.Serialization;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace CeasefireWatch.Web.Features.Incidents;

/// <summary>
/// An analyst records a coalition member's answer to an incident at tier 2 or above: notified, acknowledged,
/// deployed or declined, with an optional note. The tier-2 checklist (leads acknowledged, members notified) follows.
/// </summary>
public static class RecordCoalitionAnswer
{
    [RequiresPolicy(Policies.Report)]
    public sealed record Command(string? Country, AcknowledgementState? State, string? Note) : ICommand<IncidentDto>
    {
        [JsonIgnore]
        public int IncidentId { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Country).NotEmpty().WithMessage("Pick the coalition member.").MaximumLength(100);
            RuleFor(c => c.State).NotNull().WithMessage($"Pick the answer: {string.Join(", ", Enum.GetNames<AcknowledgementState>())}.").IsInEnum();
            RuleFor(c => c.Note).MaximumLength(IncidentLimits.Reason);
        }
    }

    public sealed class Handler(IncidentWorkflow workflow) : ICommandHandler<Command, IncidentDto>
    {
        public async ValueTask<IncidentDto> Handle(Command command, CancellationToken cancellationToken)
        {
            var roster = await workflow.RosterAsync(cancellationToken);
            var member = roster.FirstOrDefault(m => string.Equals(m.Country, command.Country!.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new ValidationException([new ValidationFailure(nameof(Command.Country),
                    $"'{command.Country}' is not on the coalition roster; use one of: {string.Join(", ", roster.Select(m => m.Country))}.")]);
            Incident? answered = null; // the incident as last acted on (a retry reads it again)
            var incident = await workflow.ActAsync(command.IncidentId,
                (incident, x) =>
                {
                    incident.RecordCoalitionAnswer(member, command.State!.Value, command.Note?.Trim() ?? string.Empty, roster, x.Now, x.Actor);
                    answered = incident;
                },
                cancellationToken, withAnswers: true);

            // The answer just recorded, with every other member's, in the incident this call answers.
            return incident with { Coalition = CoalitionAnswerDto.Matrix(answered!, roster) };
        }
    }
}
