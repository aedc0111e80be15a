using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;

namespace CeasefireWatch.Web.Infrastructure.Localization;

/// <summary>The framework's model-binding messages ("The value 'x' is not valid for Y."), in the reader's language.</summary>
internal static class LocalizedBindingMessages
{
    public static void Apply(DefaultModelBindingMessageProvider messages)
    {
        messages.SetAttemptedValueIsInvalidAccessor((value, field) => Text.Format("The value '{0}' is not valid for {1}.", value, Text.Get(field)));
        messages.SetValueMustNotBeNullAccessor(value => Text.Format("The value '{0}' is invalid.", value));
        messages.SetMissingBindRequiredValueAccessor(field => Text.Format("A value for the '{0}' parameter or property was not provided.", field));
        messages.SetMissingKeyOrValueAccessor(() => Text.Get("A value is required."));
        messages.SetValueIsInvalidAccessor(value => Text.Format("The value '{0}' is invalid.", value));
        messages.SetValueMustBeANumberAccessor(field => Text.Format("The field {0} must be a number.", Text.Get(field)));
        messages.SetNonPropertyAttemptedValueIsInvalidAccessor(value => Text.Format("The value '{0}' is not valid.", value));
        messages.SetUnknownValueIsInvalidAccessor(field => Text.Format("The supplied value is invalid for {0}.", Text.Get(field)));
        messages.SetNonPropertyUnknownValueIsInvalidAccessor(() => Text.Get("The supplied value is invalid."));
        messages.SetNonPropertyValueMustBeANumberAccessor(() => Text.Get("The field must be a number."));
    }
}
