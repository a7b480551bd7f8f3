'use client';

import { startTransition, useEffect, useRef, type FormEvent } from 'react';

/**
 * Password forms with JavaScript: the form action runs without React's reset of every field, and after a
 * refusal only the fields that must be typed again are cleared (the new password twice, and the current
 * password only when it was the wrong one). The server never sends a password back; what stays is what
 * the browser already holds. Without JavaScript the page reloads and every password field is empty.
 */
export function usePasswordFormKeeping(formAction: (formData: FormData) => void, answer: unknown, currentWasWrong: boolean) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const form = formRef.current;
    if (!form || answer === undefined) return;
    const clear = ['newPassword', 'confirmPassword', ...(currentWasWrong ? ['currentPassword'] : [])];
    for (const name of clear) {
      const input = form.elements.namedItem(name);
      if (input instanceof HTMLInputElement) input.value = '';
    }
  }, [answer, currentWasWrong]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const formData = new FormData(event.currentTarget, submitter);
    startTransition(() => formAction(formData));
  };
  return { formRef, onSubmit };
}
