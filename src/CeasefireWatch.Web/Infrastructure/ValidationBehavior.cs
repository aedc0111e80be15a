using FluentValidation;
using Mediator;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// Runs every FluentValidation validator of a request before its handler, so no handler ever sees
/// invalid input and nothing is stored when a rule fails. Every text field is also held to
/// <see cref="PlainTextRule"/> (no control characters). Pages turn the failure into field messages,
/// the API into a 400 problem-details body keyed by field.
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var failures = new List<FluentValidation.Results.ValidationFailure>(PlainTextRule.Check(message));
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            failures.AddRange(result.Errors);
        }

        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }

        return await next(message, cancellationToken);
    }
}
