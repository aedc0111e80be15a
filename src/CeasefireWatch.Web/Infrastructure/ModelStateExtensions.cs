using FluentValidation;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace CeasefireWatch.Web.Infrastructure;

public static class ModelStateExtensions
{
    /// <summary>
    /// Puts each validation failure next to its form field: the request's property names are the form
    /// model's, so "Title" becomes "Input.Title" when the form is bound as <paramref name="prefix"/>.
    /// </summary>
    public static void AddValidationFailures(this ModelStateDictionary modelState, ValidationException exception, string prefix)
    {
        foreach (var failure in exception.Errors)
        {
            var key = string.IsNullOrEmpty(failure.PropertyName) ? prefix : $"{prefix}.{failure.PropertyName}";
            modelState.AddModelError(key, failure.ErrorMessage);
        }
    }

    /// <summary>
    /// The rest of a form checked when one of its fields could not be read (a time that is no time, a number with a
    /// fraction): the failures of the fields that have no message yet, so that every field's message shows at once
    /// rather than one more on each try. A field that could not be read keeps the message that says so.
    /// </summary>
    public static void AddFailuresOfOtherFields(this ModelStateDictionary modelState, FluentValidation.Results.ValidationResult result, string prefix)
    {
        foreach (var failure in result.Errors)
        {
            var key = string.IsNullOrEmpty(failure.PropertyName) ? prefix : $"{prefix}.{failure.PropertyName}";
            if (modelState[key] is not { Errors.Count: > 0 })
            {
                modelState.AddModelError(key, failure.ErrorMessage);
            }
        }
    }

    /// <summary>Whether any field of the form bound as <paramref name="prefix"/> has an error (to reopen that form).</summary>
    public static bool HasErrorsFor(this ModelStateDictionary modelState, string prefix) =>
        modelState.Any(e => e.Value?.Errors.Count > 0
            && (e.Key == prefix || e.Key.StartsWith(prefix + ".", StringComparison.Ordinal)));
}
