package ai.matih.flowwatch.api;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method whose request needs an evaluation permit ({@code flowwatch.api.evaluate.max-concurrent*})
 * before anything of its body is read: {@link EvaluationGate} takes it as soon as the caller is known, or answers
 * 429, and gives it back when the exchange ends.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface EvaluationPermit {}
